import { CascadeError, type CascadeErrorOptions, hasCode } from './cascade-error.ts';
import { redactSecrets, redactSecretsInPlace } from './redact-secrets.ts';
import type { Attempt } from './result.ts';
import type { SpendCapHit } from './spend-caps.ts';

// The base lives in its own module (see there); re-exported so every error is importable from here.
export type { CascadeErrorCode, CascadeErrorOptions } from './cascade-error.ts';
export { CascadeError } from './cascade-error.ts';

/** Invalid configuration, raised when the cascade is built. `field` names the offending option path. */
export class ConfigError extends CascadeError {
  readonly field: string;

  constructor(field: string, message: string, options: CascadeErrorOptions = {}) {
    super('CONFIG_INVALID', `${field}: ${message}`, options);
    this.name = 'ConfigError';
    this.field = field;
  }

  static override isInstance(value: unknown): value is ConfigError {
    return hasCode(value, 'CONFIG_INVALID');
  }
}

/** How a provider failure is classified; decides retry behaviour and is reported in traces. */
export type ProviderErrorKind =
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'bad-request'
  | 'auth'
  | 'not-found'
  | 'conflict'
  | 'malformed-response'
  | 'unknown';

export interface ProviderErrorOptions extends CascadeErrorOptions {
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly status?: number;
  /** Parsed from Retry-After / retry-after-ms; the engine waits at least this long before retrying. */
  readonly retryAfterMs?: number;
  readonly providerId?: string;
  readonly model?: string;
  /**
   * Credentials to scrub from the message and the cause (the provider's configured API key), on top of
   * the shapes always scrubbed (see `redactSecrets`). Used once, never stored on the error.
   */
  readonly secrets?: readonly string[];
}

/**
 * A failed provider call, already classified by the provider. Its message and cause are scrubbed of
 * credentials when it is built (`Bearer` tokens, `sk-` keys, `api-key:` pairs, and `options.secrets`), so
 * a server that echoes the API key cannot leak it into attempts, spans, logs or trace files.
 */
export class ProviderError extends CascadeError {
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly providerId: string | undefined;
  readonly model: string | undefined;

  constructor(message: string, options: ProviderErrorOptions) {
    const redaction = { secrets: options.secrets ?? [] };
    if (options.cause !== undefined) redactSecretsInPlace(options.cause, redaction);
    super('PROVIDER_ERROR', redactSecrets(message, redaction), { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = options.kind;
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.providerId = options.providerId;
    this.model = options.model;
  }

  static override isInstance(value: unknown): value is ProviderError {
    return hasCode(value, 'PROVIDER_ERROR');
  }
}

/** Every tier failed. `attempts` holds everything the models produced, in order. */
export class CascadeExhaustedError extends CascadeError {
  readonly attempts: readonly Attempt[];

  constructor(message: string, attempts: readonly Attempt[], options: CascadeErrorOptions = {}) {
    super('CASCADE_EXHAUSTED', message, options);
    this.name = 'CascadeExhaustedError';
    this.attempts = attempts;
  }

  static override isInstance(value: unknown): value is CascadeExhaustedError {
    return hasCode(value, 'CASCADE_EXHAUSTED');
  }
}

/** The next call's estimated cost exceeded what was left of the run's budget. */
export class BudgetExceededError extends CascadeError {
  readonly attempts: readonly Attempt[];
  /** The run's budget, or the cap's limit when `cap` is set. */
  readonly budgetUsd: number;
  /** What the run spent, or what the cap's window had spent when `cap` is set. */
  readonly spentUsd: number;
  /** The spend cap that stopped the run, when it was one rather than the run's own budget. */
  readonly cap: SpendCapHit | undefined;

  constructor(
    message: string,
    options: { attempts: readonly Attempt[]; budgetUsd: number; spentUsd: number; cap?: SpendCapHit },
  ) {
    super('BUDGET_EXCEEDED', message);
    this.name = 'BudgetExceededError';
    this.attempts = options.attempts;
    this.budgetUsd = options.budgetUsd;
    this.spentUsd = options.spentUsd;
    this.cap = options.cap;
  }

  static override isInstance(value: unknown): value is BudgetExceededError {
    return hasCode(value, 'BUDGET_EXCEEDED');
  }
}

/**
 * Builds an error without capturing a stack trace. For aborts only: their stack shows nothing but the
 * engine's own frames, and a caller aborting thousands of runs at once should not pay for a trace each.
 */
function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The caller's signal fired. `attempts` holds what was done before; `cause` is the signal's reason. */
export class AbortError extends CascadeError {
  readonly attempts: readonly Attempt[];

  /** An AbortError with no stack trace (see `withoutStack`). */
  static cheap(message: string, options: CascadeErrorOptions & { attempts?: readonly Attempt[] } = {}): AbortError {
    return withoutStack(() => new AbortError(message, options));
  }

  constructor(message: string, options: CascadeErrorOptions & { attempts?: readonly Attempt[] } = {}) {
    super('ABORTED', message, options);
    this.name = 'AbortError';
    this.attempts = options.attempts ?? [];
  }

  static override isInstance(value: unknown): value is AbortError {
    return hasCode(value, 'ABORTED');
  }
}

/** No tier could take the request (data policy, open circuits, quality floor above the ladder). */
export class NoTierAvailableError extends CascadeError {
  readonly attempts: readonly Attempt[];
  readonly skipped: readonly { readonly tier: string; readonly reason: string }[];

  constructor(
    message: string,
    options: { attempts: readonly Attempt[]; skipped: readonly { tier: string; reason: string }[] },
  ) {
    super('NO_TIER_AVAILABLE', message);
    this.name = 'NoTierAvailableError';
    this.attempts = options.attempts;
    this.skipped = options.skipped;
  }

  static override isInstance(value: unknown): value is NoTierAvailableError {
    return hasCode(value, 'NO_TIER_AVAILABLE');
  }
}
