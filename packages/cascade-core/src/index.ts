export type { AuditAnswer, AuditCompare, AuditCompareFunction, AuditComparison } from './audit-compare.ts';
export type { AuditOptions } from './audit-options.ts';
export type { AuditRecord } from './audit-run.ts';
export type { AuditCounts, AuditStore, InMemoryAuditStoreOptions } from './audit-store.ts';
export { InMemoryAuditStore } from './audit-store.ts';
export type { AuditAgreement, AuditScope, AuditSummary } from './auditor.ts';
export type {
  BudgetLedger,
  BudgetReservation,
  BudgetReserveResult,
  InMemoryBudgetLedgerOptions,
} from './budget-ledger.ts';
export { InMemoryBudgetLedger } from './budget-ledger.ts';
export {
  builtinGates,
  DEFAULT_REFUSAL_PHRASES,
  finishReasonGate,
  minOutputTokensGate,
  nonEmptyGate,
  refusalGate,
} from './builtin-gates.ts';
export type { CacheOptions } from './cache.ts';
export type {
  CircuitBreakerOptions,
  CircuitDecision,
  CircuitSnapshot,
  CircuitState,
  CircuitStore,
  CircuitStoreFailure,
  CircuitTransition,
} from './circuit-breaker.ts';
export { CircuitBreaker, defaultIsFailure, InMemoryCircuitStore } from './circuit-breaker.ts';
export type {
  Candidate,
  CascadeRequest,
  FinishReason,
  Gate,
  GateContext,
  GateRequirements,
  GateResult,
  GateStatus,
  GateValue,
  GenerateOptions,
  Generation,
  JsonSchema,
  Message,
  MessageRole,
  Price,
  Provider,
  ProviderCapabilities,
  ProviderRequest,
  RequestMetadata,
  ResponseFormat,
  SpecificationVersion,
  TierInfo,
  TokenLogprob,
  TopLogprob,
  Usage,
} from './contracts.ts';
export { SPECIFICATION_VERSION } from './contracts.ts';
export type { Cascade, TierHealth } from './engine.ts';
export { createCascade } from './engine.ts';
export type { CascadeErrorCode, CascadeErrorOptions, ProviderErrorKind, ProviderErrorOptions } from './errors.ts';
export {
  AbortError,
  BudgetExceededError,
  CascadeError,
  CascadeExhaustedError,
  ConfigError,
  NoTierAvailableError,
  ProviderError,
} from './errors.ts';
export type { QualityFloor } from './floors.ts';
export type { LatencySnapshot } from './latency-tracker.ts';
export { LatencyTracker } from './latency-tracker.ts';
export type {
  BuiltinGateOptions,
  CascadeEvent,
  CascadeOptions,
  ExhaustedBehaviour,
  HedgeOptions,
  RaceOptions,
  RetryOptions,
  Router,
  RunManyOptions,
  RunManyProgress,
  RunOptions,
  TierConfig,
} from './options.ts';
export { addUsage, costOf, estimateInputTokens } from './pricing.ts';
export { DEFAULT_OUTPUT_ESTIMATE_TOKENS } from './provider-request.ts';
export type { RedactSecretsOptions } from './redact-secrets.ts';
export { redactSecrets } from './redact-secrets.ts';
export { defaultRepairPrompt } from './repair-turn.ts';
export type { CachedAnswer, InMemoryResponseCacheOptions, ResponseCacheStore } from './response-cache.ts';
export { InMemoryResponseCache } from './response-cache.ts';
export type {
  Attempt,
  AttemptKind,
  AttemptOutcome,
  BatchItem,
  CascadeResult,
  GateRecord,
  RunOutcome,
  TopTierCost,
} from './result.ts';
export type { RouteDecision, RouterAnswer } from './route.ts';
export type { SpendCap, SpendCapHit } from './spend-caps.ts';
export type { CascadeStores, StoreName } from './stores.ts';
export { ATTR, SPAN } from './tracing.ts';
