export { formatPoints, parseAccuracyPoints } from './accuracy-points.ts';
export { candidateLabel, labelledProvider } from './candidate-labels.ts';
export type {
  ApplyProfileOptions,
  CascadeProfile,
  Interval,
  MeasuredFigures,
  ProfileTier,
  TuneTarget,
} from './cascade-profile.ts';
export {
  applyProfile,
  checkProfile,
  loadProfile,
  PROFILE_FORMAT,
  PROFILE_VERSION,
  profileJson,
} from './cascade-profile.ts';
export type { EvalCommandIo, EvalExitCode } from './command-io.ts';
export { EVAL_EXIT_CODES } from './command-io.ts';
export type { Candidate, CandidateEstimate, CrossValidateOptions } from './cross-validate.ts';
export { crossValidate } from './cross-validate.ts';
export type { CostAccuracyPoint } from './error-cost-area.ts';
export { commonCostRange, errorCostArea } from './error-cost-area.ts';
export { evalCommand, reportJson } from './eval-command.ts';
export type { CascadeFactory, EvalConfig, EvalConfigContext, EvalParams } from './eval-config.ts';
export { defineEvalConfig } from './eval-config.ts';
export type { FitSet, FittedLadder } from './fit-thresholds.ts';
export { createFitSet, fitLadder, fitThresholds } from './fit-thresholds.ts';
export { formatMeasures, formatReport, formatUsd } from './format-report.ts';
export type { ChartMarker, ChartPoint, FrontierChartOptions } from './frontier-chart.ts';
export { escapeXml, frontierChart, niceTicks, renderFrontierChart } from './frontier-chart.ts';
export { EVAL_HELP, IMPORT_HELP, TUNE_HELP } from './help.ts';
export type { ImportFormat } from './import-command.ts';
export { IMPORT_FORMATS, importCommand } from './import-command.ts';
export type { ImportMotOptions, MotDataset } from './import-mot.ts';
export { finqaEqual, importMot, MOT_DATASETS } from './import-mot.ts';
export type { ImportStructuredRagOptions, StructuredRagMethod } from './import-structured-rag.ts';
export { estimateTokens, importStructuredRag, STRUCTURED_RAG_METHODS } from './import-structured-rag.ts';
export type { ImportSummary } from './import-summary.ts';
export type { ImportZellingerOptions } from './import-zellinger.ts';
export { ANSWER_ONLY_SUFFIX, answerOnly, importZellinger, ZELLINGER_PRICES } from './import-zellinger.ts';
export type { JsonLine, JsonLinesWriter } from './json-lines.ts';
export { JsonLineError, openJsonLinesWriter, readJsonLines } from './json-lines.ts';
export type { LadderOrder, LadderSpaceOptions } from './ladder-space.ts';
export { enumerateLadders, lambdaGrid, MAX_TIERS } from './ladder-space.ts';
export { checkEvalConfig, loadEvalConfig } from './load-eval-config.ts';
export type { GateStats, MeasureRunOptions, RunMeasures, TierStats } from './measure-run.ts';
export { measureRun } from './measure-run.ts';
export { normalQuantile } from './normal-quantile.ts';
export type { LadderPolicy, OutcomeMatrix, PolicyOutcome } from './outcome-matrix.ts';
export { allQueries, bestModel } from './outcome-matrix.ts';
export type { ParamSetting } from './params.ts';
export { applyParams, flattenParams, parseSet } from './params.ts';
export type { CostAccuracy, Selection, SelectionCriterion } from './pareto.ts';
export { paretoFront, selectSetting } from './pareto.ts';
export type { ProbeCandidatesOptions, ProbeResult } from './probe-candidates.ts';
export { probeCandidates } from './probe-candidates.ts';
export type { Baseline, EvalPoint, EvalProgress, EvalReport, RunEvalOptions } from './run-eval.ts';
export { DEFAULT_EVAL_CONCURRENCY, runEval } from './run-eval.ts';
export type { Score, ScoreInput, ScoringMode, ScoringOptions } from './score-answer.ts';
export { createScorer, SCORING_MODES } from './score-answer.ts';
export { kFolds, seededRandom } from './seeded-random.ts';
export type { CandidateSelection } from './select-candidate.ts';
export { estimatedFrontier, selectCandidate } from './select-candidate.ts';
export type { PolicyTrace, StartPositions } from './simulate-ladder.ts';
export { createTrace, simulateLadder } from './simulate-ladder.ts';
export type { SweepAxis } from './sweep.ts';
export { MAX_SWEEP_POINTS, parseSweep, sweepGrid } from './sweep.ts';
export type { TuneFrontierPoint, TuneModelFigures, TuneOptions, TuneReport } from './tune.ts';
export { DEFAULT_SELECTION_CONFIDENCE, INTERVAL_LEVEL, tune } from './tune.ts';
export { tuneChart } from './tune-chart.ts';
export { tuneCommand, tuneReportJson } from './tune-command.ts';
export type { EngineCheck } from './tune-engine-check.ts';
export { formatTuneReport } from './tune-report.ts';
export type { TuneSpace, TuneTierContext, TuneTierFactory } from './tune-space.ts';
export { checkTuneSpace, defineTuneSpace, loadTuneSpace } from './tune-space.ts';
