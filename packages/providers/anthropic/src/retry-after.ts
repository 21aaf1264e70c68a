/** Headers as the SDK's errors carry them: a Fetch `Headers` (or anything with `get`). */
export interface HeaderReader {
  get(name: string): string | null;
}

// A wait longer than this is not a real instruction (a bad header or a clock far off): ignore it.
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Reads how long the server asked us to wait before retrying, in milliseconds: `retry-after-ms`
 * (Anthropic's own, fractional milliseconds) first, then `retry-after` as seconds or as an HTTP date.
 * Returns `undefined` when there is no usable header, so the engine falls back to its own backoff.
 * `now` is injectable for tests of the HTTP-date form.
 */
export function parseRetryAfter(
  headers: HeaderReader | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (headers === undefined || headers === null) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null) {
    const value = parseNumber(milliseconds);
    if (value !== undefined) return bounded(value);
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null) return undefined;
  const seconds = parseNumber(retryAfter);
  if (seconds !== undefined) return bounded(seconds * 1000);
  // Only a real date: Date.parse also reads bare numbers like '-5' as years.
  if (!/[a-z]/i.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return bounded(Math.max(0, date - now));
}

function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  // Number('') is 0 and Number('0x10') is 16: accept plain decimals only.
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

function bounded(ms: number): number | undefined {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_RETRY_AFTER_MS) return undefined;
  return Math.ceil(ms);
}
