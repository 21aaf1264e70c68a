// The training side of the router: label readers, training, cross-validated evaluation and formatting.
// A separate entry (`@llm-cascade/router/train`) so an application that only routes never loads it.
export type {
  EvaluateRouterFileOptions,
  EvaluateRouterOptions,
  LearningCurvePoint,
  RouterEvaluation,
  RouterFrontier,
} from './evaluate-router.ts';
export { evaluateRouter, evaluateRouterFile } from './evaluate-router.ts';
export { formatCalibration, formatEvaluation } from './format-evaluation.ts';
export type { FrontierPoint, SinglePoint } from './frontier.ts';
export { areaUnderErrorCost, areaUnderMixedErrorCost, mixedCostReaching, paretoFront } from './frontier.ts';
export type { AuditRecord, ReadDecisionLogOptions } from './read-decision-log.ts';
export { readDecisionLog, readRequests } from './read-decision-log.ts';
export type { ReadEvalDataOptions } from './read-eval-data.ts';
export { readEvalData } from './read-eval-data.ts';
export type { TrainRouterOptions } from './train-router.ts';
export { trainRouter } from './train-router.ts';
export type { EvalLabelRule, ReadExamplesResult, TrainingExample } from './training-example.ts';
