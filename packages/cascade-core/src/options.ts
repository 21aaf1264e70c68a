import type { Tracer } from '@opentelemetry/api';
import type { AuditOptions } from './audit-options.ts';
import type { AuditRecord } from './audit-run.ts';
import type { AuditScope } from './auditor.ts';
import type { CacheOptions } from './cache.ts';
import type { CircuitBreakerOptions, CircuitState } from './circuit-breaker.ts';
import type { Gate, Message, Price, Provider, RequestMetadata } from './contracts.ts';
import type { CascadeError } from './errors.ts';
import type { QualityFloor } from './floors.ts';
import type { Attempt, AttemptKind, CascadeResult, GateRecord } from './result.ts';
import type { RouteDecision, Router } from './route.ts';
import type { SpendCap } from './spend-caps.ts';
import type { CascadeStores, StoreName } from './stores.ts';

/** One rung of the ladder. Tiers are listed cheapest first. */
export interface TierConfig {
  /** Unique within the cascade; names spans, events and reports. */
  readonly name: string;
  readonly provider: Provider;
  readonly model: string;
  /** USD per million tokens. Defaults to the provider's published price for the model, if it knows one. */
  readonly price?: Price;
  /** Per provider call, in milliseconds. Default 60,000. */
  readonly timeoutMs?: number;
  /** Retries of a retryable provider error (429, 5xx, timeout, connection) before escalating. Default 2. */
  readonly retries?: number;
  /** Repairs: the same tier asked again with a failed gate's feedback. Default 1. */
  readonly repairs?: number;
  /** Concurrent provider calls to this tier, across all runs of the cascade. Default 64. */
  readonly maxConcurrency?: number;
  /** Time budget of one gate evaluation on this tier; overrides the cascade's `gateTimeoutMs`. */
  readonly gateTimeoutMs?: number;
  /** Gates for this tier; replaces the cascade's `gates` (built-in soft-failure gates still run first). */
  readonly gates?: readonly Gate[];
  /** Output cap sent to the provider when the request sets none; also the budget estimate's output size. */
  readonly maxOutputTokens?: number;
  /** Data classes this tier may receive; a request whose `metadata.dataClass` is not listed skips it. */
  readonly dataClasses?: readonly string[];
}

/** Options of the built-in soft-failure gates; `false` turns one off. */
export interface BuiltinGateOptions {
  /** Fails an empty or whitespace-only answer. Default on. */
  readonly nonEmpty?: boolean;
  /** Fails a `length` or `content_filter` finish. Default on. */
  readonly finishReason?: boolean;
  /** Fails a refusal: the provider's refusal field, or an answer opening with one of the phrasings. */
  readonly refusal?: boolean | { readonly phrases?: readonly string[] };
  /** Fails an answer with fewer output tokens than this. Default 1. */
  readonly minOutputTokens?: number | false;
}

export interface RetryOptions {
  /** First backoff delay. Default 250 ms; doubles each retry, with full jitter. */
  readonly baseDelayMs?: number;
  /** Cap on one backoff delay. Default 8,000 ms. */
  readonly maxDelayMs?: number;
  /** A Retry-After longer than this escalates at once instead of waiting. Default 30,000 ms. */
  readonly maxRetryAfterMs?: number;
}

export type ExhaustedBehaviour = 'throw' | 'best';

export type { Router } from './route.ts';

export interface CascadeOptions {
  /** Names the cascade in traces and reports. Default `cascade`. */
  readonly name?: string;
  /** Cheapest first. At least one. */
  readonly tiers: readonly TierConfig[];
  /** Gates run in order at every tier without gates of its own, after the built-in soft-failure gates. */
  readonly gates?: readonly Gate[];
  readonly builtinGates?: BuiltinGateOptions | false;
  /**
   * Time budget of one gate evaluation, in milliseconds. Default 30,000. A gate that overruns fails with
   * reason `gate-timeout` and its `signal` is aborted; a tier's `gateTimeoutMs` or a gate's own `timeoutMs`
   * overrides it. A synchronous gate cannot be interrupted: its overrun is found when it returns.
   */
  readonly gateTimeoutMs?: number;
  /** Reject at build time a gate whose requirement (logprobs) a tier cannot meet, instead of skipping it. */
  readonly strict?: boolean;
  /** When every tier fails: throw `CascadeExhaustedError` (default) or return the best attempt, not accepted. */
  readonly onExhausted?: ExhaustedBehaviour;
  /** Default per-run budget in USD; `run()` may override it. */
  readonly budgetUsd?: number;
  /** When the budget stops the run: throw `BudgetExceededError` (default) or return the best so far. */
  readonly onBudgetExceeded?: ExhaustedBehaviour;
  readonly retry?: RetryOptions;
  readonly router?: Router;
  /** Record prompt and completion text on spans. Off by default: text may hold personal data. */
  readonly recordContent?: boolean;
  /** Receives every step of every run; a throwing listener is ignored, never fails the run. */
  readonly onEvent?: (event: CascadeEvent) => void;
  /** Tracer to use; by default one is fetched from the global provider at each run. */
  readonly tracer?: Tracer;
  /** The message a repair appends after the model's answer. Receives the failed gate's feedback. */
  readonly repairPrompt?: (feedback: string, gate: string) => string;
  /** Upper-bound estimate of a request's input tokens, for the budget check. Default: UTF-8 bytes / 3. */
  readonly estimateInputTokens?: (messages: readonly Message[]) => number;
  /** A circuit breaker per tier (off by default): an unhealthy tier is passed over until it recovers. */
  readonly circuitBreaker?: CircuitBreakerOptions | false;
  /** Hedged requests (off by default): start the next tier when a tier is slow to answer. */
  readonly hedge?: HedgeOptions | false;
  /** Call several tiers at once for every run (off by default); `run()` may set its own. */
  readonly race?: RaceOptions;
  /**
   * Spend caps over time, per request metadata value (`{ key: 'tenant', limitUsd: 50, windowMs: 86_400_000 }`),
   * kept in `stores.budget`. Each call's estimate is held against them before it is made and settled with
   * its real cost after; a call that would pass one stops the run as the per-run budget does.
   */
  readonly spendCaps?: readonly SpendCap[];
  /**
   * Quality floors by context: requests whose metadata matches start no lower than `minTier` and get
   * `budgetUsd` as their run budget (`[{ match: { feature: 'contract-review' }, minTier: 'large' }]`).
   * A router and `run()`'s `minTier` can raise the start tier, never lower it below a floor.
   */
  readonly floors?: readonly QualityFloor[];
  /** The response cache (off by default): accepted answers reused for the same request, tier and gates. */
  readonly cache?: CacheOptions | false;
  /**
   * Shadow audits (off by default): a share of accepted answers is re-run on a stronger tier after the
   * caller has its result, to check the cheap answer was equivalent; see the README's "Shadow audits".
   */
  readonly audit?: AuditOptions | false;
  /** Where shared state lives (circuit, spend, cache, audits); in memory in this process by default. */
  readonly stores?: CascadeStores;
}

export interface HedgeOptions {
  /**
   * How long a tier may take before the next tier starts in parallel: milliseconds, or `'p95'` for the
   * tier's own recent 95th percentile (then `fallbackDelayMs` until `minimumSamples` calls were seen).
   */
  readonly delayMs: number | 'p95';
  /** Used with `'p95'` while the tier has too few samples. Default 2,000 ms. */
  readonly fallbackDelayMs?: number;
  /** Calls a tier must have answered before its p95 is trusted. Default 20. */
  readonly minimumSamples?: number;
}

export interface RaceOptions {
  /** The tiers called at once (names or indexes). The ladder goes on above them if none passes. */
  readonly tiers: readonly (string | number)[];
  /**
   * `'cheapest'` (default): the cheapest tier whose answer passes wins, so a pass on a stronger tier waits
   * for the cheaper ones still running. `'first'`: the first answer that passes wins.
   */
  readonly prefer?: 'cheapest' | 'first';
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Quality floor: the lowest tier (name or index) this request may start at. */
  readonly minTier?: string | number;
  readonly budgetUsd?: number;
  /** Merged over the request's metadata. */
  readonly metadata?: RequestMetadata;
  /** Race these tiers for this run, or `false` to turn off the cascade's race. */
  readonly race?: RaceOptions | false;
  /** `false`: neither read nor fill the response cache for this run. */
  readonly cache?: boolean;
}

export interface RunManyProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

export interface RunManyOptions extends Omit<RunOptions, 'metadata'> {
  /** Requests in flight at once. Default 16. The tiers' own limits still apply. */
  readonly concurrency?: number;
  readonly onProgress?: (progress: RunManyProgress) => void;
  /** Called as each item settles, in completion order. */
  readonly onItem?: (item: import('./result.ts').BatchItem) => void;
}

interface EventBase {
  readonly runId: string;
  readonly requestId: string | undefined;
}

export type CascadeEvent =
  | (EventBase & { readonly type: 'run-start'; readonly startTier: string })
  | (EventBase & {
      /** The router's decision, and the tier the run starts at (floors applied). */
      readonly type: 'route';
      readonly route: RouteDecision;
      readonly startTier: string;
    })
  | (EventBase & { readonly type: 'tier-skipped'; readonly tier: string; readonly reason: string })
  | (EventBase & {
      readonly type: 'attempt-start';
      readonly tier: string;
      readonly index: number;
      readonly kind: AttemptKind;
    })
  | (EventBase & { readonly type: 'gate'; readonly tier: string; readonly attempt: number; readonly gate: GateRecord })
  | (EventBase & { readonly type: 'attempt-end'; readonly attempt: Attempt })
  | (EventBase & {
      readonly type: 'retry';
      readonly tier: string;
      readonly delayMs: number;
      readonly error: CascadeError;
    })
  | (EventBase & { readonly type: 'repair'; readonly tier: string; readonly gate: string })
  | (EventBase & { readonly type: 'hedge'; readonly from: string; readonly to: string; readonly delayMs: number })
  | (EventBase & {
      readonly type: 'circuit';
      readonly tier: string;
      readonly from: CircuitState;
      readonly to: CircuitState;
    })
  | (EventBase & {
      readonly type: 'escalation';
      readonly from: string;
      readonly to: string | undefined;
      readonly reason: string;
    })
  | (EventBase & {
      readonly type: 'budget';
      readonly tier: string;
      readonly estimatedUsd: number;
      /** What was left of the run's budget, or of the cap when `cap` is set. */
      readonly leftUsd: number;
      /** The spend cap that stopped the run, when it was one (its name). */
      readonly cap?: string;
    })
  | (EventBase & { readonly type: 'exhausted'; readonly attempts: readonly Attempt[] })
  | (EventBase & {
      /** A shadow audit of this run finished (after the run): the record for the decision log. */
      readonly type: 'audit';
      readonly record: AuditRecord;
    })
  | (EventBase & {
      /** Agreement of a key fell below `audit.floor` (`drift`) or came back to it (`recovered`). */
      readonly type: 'audit-drift';
      readonly scope: AuditScope;
      readonly key: string;
      readonly state: 'drift' | 'recovered';
      readonly rate: number;
      readonly total: number;
      readonly floor: number;
      /** With `raiseFloor`, for a feature: the tier its requests now start at (`undefined` once lowered). */
      readonly raisedFloor?: string | undefined;
    })
  | (EventBase & {
      /** A store call failed; the run went on with this process's own state (see `StoreName`). */
      readonly type: 'store-fallback';
      readonly store: StoreName;
      readonly operation: string;
      /** What the store threw, credentials scrubbed. */
      readonly message: string;
    })
  | (EventBase & {
      readonly type: 'run-end';
      readonly result: CascadeResult | undefined;
      readonly error?: CascadeError;
    });
