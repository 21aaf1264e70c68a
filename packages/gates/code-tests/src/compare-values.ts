import type { JsonValue } from './sandbox-protocol.ts';

/**
 * Compares a returned value (decoded from the sandbox's JSON) with a test case's expected value, on the
 * host: the expected value never enters the sandbox, so the answer's code cannot read it or fake a match.
 * Numbers match within `tolerance` (relative, and absolute near zero); objects by their keys, in any order;
 * arrays in order. Sandbox tags (`{ $type: 'NaN' }`, `undefined`, `Map`, `Set`) only match themselves.
 */
export function valuesMatch(actual: unknown, expected: JsonValue, tolerance: number, depth = 0): boolean {
  if (depth > 200) return false;
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    if (actual === expected) return true;
    if (tolerance === 0) return false;
    return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(actual), Math.abs(expected));
  }
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    for (let i = 0; i < expected.length; i += 1) {
      if (!valuesMatch(actual[i], expected[i] as JsonValue, tolerance, depth + 1)) return false;
    }
    return true;
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
  const expectedKeys = Object.keys(expected);
  const actualRecord = actual as Record<string, unknown>;
  if (Object.keys(actualRecord).length !== expectedKeys.length) return false;
  const expectedRecord = expected as { readonly [key: string]: JsonValue };
  for (const key of expectedKeys) {
    if (!Object.hasOwn(actualRecord, key)) return false;
    if (!valuesMatch(actualRecord[key], expectedRecord[key] as JsonValue, tolerance, depth + 1)) return false;
  }
  return true;
}
