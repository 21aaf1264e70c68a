export type { AnswerAfterMarkerOptions } from './answer-after-marker.ts';
export { answerAfterMarker, DEFAULT_ANSWER_MARKERS } from './answer-after-marker.ts';
export { candidateVariant } from './candidate-variant.ts';
export { canonicalJson, stableStringify } from './canonical-json.ts';
export type { AnswerExtractor, Extracted } from './extractor.ts';
export type { LastNumberOptions } from './last-number.ts';
export { lastNumber, numberKey } from './last-number.ts';
export type {
  MixedRepresentationProvider,
  MixedRepresentationProviderOptions,
  RepresentationVariant,
} from './mixed-representation-provider.ts';
export { mixedRepresentationProvider, splitSamples } from './mixed-representation-provider.ts';
export type { CommentStyle, NormalizedCodeOptions } from './normalized-code.ts';
export { normalizedCode } from './normalized-code.ts';
export { normalizedText } from './normalized-text.ts';
export type { SelfConsistencyGate, SelfConsistencyGateOptions, TieRule } from './self-consistency-gate.ts';
export { DEFAULT_MAX_SAMPLE_BYTES, selfConsistencyGate, votesNeeded } from './self-consistency-gate.ts';
