export type { CascadeRouterOptions } from './cascade-router.ts';
export { decisionAttributes, toCascadeRouter } from './cascade-router.ts';
export type {
  CreateRouterOptions,
  DecideOptions,
  RouteDecision,
  RouteReason,
  Router,
  TierProbability,
} from './create-router.ts';
export { createRouter } from './create-router.ts';
export type { FeatureConfig } from './feature-config.ts';
export { DEFAULT_FEATURE_CONFIG, resolveFeatureConfig } from './feature-config.ts';
export type {
  Embed,
  ExtractOptions,
  FeatureExtractor,
  FeatureExtractorOptions,
  FeatureVector,
} from './features.ts';
export { createFeatureExtractor } from './features.ts';
export type { LaneMatch, RouterLane } from './lanes.ts';
export type {
  CalibrationJson,
  LogisticModelJson,
  ReliabilityBin,
  RouterFile,
  StumpJson,
  StumpsModelJson,
  TierCalibrationReport,
  TierModelJson,
  TierSelection,
  TrainingSummary,
} from './router-file.ts';
export {
  parseRouterFile,
  ROUTER_FILE_FORMAT,
  ROUTER_FILE_VERSION,
  stringifyRouterFile,
  validateRouterFile,
} from './router-file.ts';
export type { StickyOptions } from './sticky-sessions.ts';
export type { DenseFeatureName } from './structure-features.ts';
export { DENSE_FEATURE_NAMES } from './structure-features.ts';
export type { FeatureContribution } from './tier-model.ts';
