import { type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';

/** Span and attribute names, so tests, dashboards and users agree on them. */
export const SPAN = {
  run: 'cascade.run',
  attempt: 'cascade.attempt',
  gate: 'cascade.gate',
  chat: 'chat',
} as const;

export const ATTR = {
  cascadeName: 'cascade.name',
  requestId: 'cascade.request.id',
  outcome: 'cascade.outcome',
  finalTier: 'cascade.final_tier',
  costUsd: 'cascade.cost_usd',
  topTierCostUsd: 'cascade.top_tier_cost_usd',
  attemptCount: 'cascade.attempt_count',
  escalations: 'cascade.escalations',
  repairs: 'cascade.repairs',
  tierName: 'cascade.tier.name',
  tierIndex: 'cascade.tier.index',
  attemptIndex: 'cascade.attempt.index',
  attemptKind: 'cascade.attempt.kind',
  attemptOutcome: 'cascade.attempt.outcome',
  attemptCostUsd: 'cascade.attempt.cost_usd',
  attemptSamples: 'cascade.attempt.samples',
  gateName: 'cascade.gate.name',
  gateStatus: 'cascade.gate.status',
  gateScore: 'cascade.gate.score',
  gateReason: 'cascade.gate.reason',
  escalationTo: 'cascade.escalation.to_tier',
  escalationFrom: 'cascade.escalation.from_tier',
  /** The store that failed during the run, whose call was served from local state (the last one wins). */
  storeFallback: 'cascade.store.fallback',
  /** The spend cap that stopped the run. */
  spendCap: 'cascade.budget.cap',
  /** On the run span: whether the response cache answered; on a `cache` attempt's span: true. */
  cacheHit: 'cascade.cache.hit',
  /** The router's decision: the tier it chose (before floors), its lane and its reason. */
  routeTier: 'cascade.route.tier',
  routeLane: 'cascade.route.lane',
  routeReason: 'cascade.route.reason',
  // OpenTelemetry GenAI semantic conventions.
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestChoiceCount: 'gen_ai.request.choice.count',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',
} as const;

const TRACER_NAME = '@llm-cascade/core';
const TRACER_VERSION = '0.1.0';

/** Fetched at the point of use, so an SDK registered after the cascade was built is still picked up. */
export function getTracer(configured: Tracer | undefined): Tracer {
  return configured ?? trace.getTracer(TRACER_NAME, TRACER_VERSION);
}

/** Marks a span failed with the error, without letting a tracing fault reach the caller. */
export function recordError(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}
