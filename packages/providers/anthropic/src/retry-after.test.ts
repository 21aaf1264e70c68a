import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.ts';

const headers = (values: Record<string, string>) => new Headers(values);

describe('parseRetryAfter', () => {
  it('prefers retry-after-ms, rounding up fractional milliseconds', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250.2', 'retry-after': '9' }))).toBe(251);
  });

  it('reads retry-after as seconds', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '3' }))).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after': '0' }))).toBe(0);
  });

  it('reads retry-after as an HTTP date, relative to now', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': 'Sun, 22 Nov 2026 10:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Sun, 22 Nov 2026 09:59:00 GMT' }), now)).toBe(0);
  });

  it('ignores what is not a usable wait', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '-5' }))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '0x10' }))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '' }))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': String(10 * 24 * 3600) }))).toBeUndefined();
    // A bad retry-after-ms falls back to retry-after.
    expect(parseRetryAfter(headers({ 'retry-after-ms': 'abc', 'retry-after': '2' }))).toBe(2000);
  });
});
