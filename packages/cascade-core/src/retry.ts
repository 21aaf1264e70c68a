import type { RetryOptions } from './options.ts';

export interface ResolvedRetryOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

export function resolveRetry(options: RetryOptions | undefined): ResolvedRetryOptions {
  return { ...DEFAULT_RETRY, ...options };
}

/**
 * Delay before retry number `retry` (0-based): exponential with full jitter (spreads a thundering herd),
 * but never shorter than the server's Retry-After. Returns `undefined` when the server asks for a wait
 * longer than `maxRetryAfterMs`: better to escalate than to sit idle.
 */
export function backoffDelay(
  retry: number,
  retryAfterMs: number | undefined,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > options.maxRetryAfterMs) return undefined;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Resolves after `ms`, or rejects with the signal's reason; never leaves a timer behind. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
