export type { BetaQuantileOptions, IncompleteBetaOptions } from './beta.ts';
export { betaQuantile, logGamma, regularizedIncompleteBeta } from './beta.ts';
export type {
  CalibrateThresholdOptions,
  ThresholdCalibration,
  ThresholdFound,
  ThresholdNotFound,
} from './calibrate-threshold.ts';
export { calibrateThreshold } from './calibrate-threshold.ts';
export type { BinomialCountOptions, BinomialInterval } from './clopper-pearson.ts';
export { clopperPearsonInterval, clopperPearsonUpper } from './clopper-pearson.ts';
export type {
  CalibrationQuality,
  CalibrationQualityOptions,
  FitLogisticOptions,
  LabelledConfidence,
  LogisticCoefficients,
  LogisticFit,
} from './fit-logistic.ts';
export { calibrationQuality, fitLogistic, logisticProbability } from './fit-logistic.ts';
export type { TextRange } from './json-values.ts';
export { jsonValueRanges } from './json-values.ts';
export type { LogprobGateOptions, LogprobGateReason } from './logprob-gate.ts';
export { logprobGate } from './logprob-gate.ts';
export type { LogprobMeasure, MeasureOptions, ShareBelowOptions } from './measures.ts';
export {
  firstTokenProbability,
  geometricMeanProbability,
  LOGPROB_MEASURES,
  meanLogprob,
  measureLogprobs,
  minLogprob,
  shareBelow,
} from './measures.ts';
export type { AfterMarkerOptions, LastTokensOptions, LogprobSpan } from './spans.ts';
export {
  selectAfterMarker,
  selectJsonValueTokens,
  selectLastTokens,
  selectSpan,
  selectTokensInRanges,
  tokenText,
} from './spans.ts';
