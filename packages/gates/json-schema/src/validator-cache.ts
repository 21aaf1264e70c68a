import { createHash } from 'node:crypto';

/** Default number of compiled validators the shared cache keeps. */
export const DEFAULT_CACHE_SIZE = 128;

/**
 * A bounded least-recently-used map from a schema's hash to its compiled validator. Compiling a schema
 * costs milliseconds and validating a value microseconds, so cascades built again and again (per tenant,
 * per eval sweep) should find their validator here instead of compiling it anew.
 */
export interface ValidatorCache<TValue = unknown> {
  /** The most entries kept; the least recently used one is dropped past it. */
  readonly capacity: number;
  readonly size: number;
  get(key: string): TValue | undefined;
  set(key: string, value: TValue): void;
  delete(key: string): boolean;
  clear(): void;
}

export interface ValidatorCacheOptions {
  /** Entries kept. Default 128. */
  readonly size?: number;
}

/**
 * Creates a bounded LRU cache for compiled validators. Pass it to several gates to share compilations, or
 * give one gate its own to keep it apart from the process-wide default.
 */
export function createValidatorCache<TValue = unknown>(options: ValidatorCacheOptions = {}): ValidatorCache<TValue> {
  const capacity = options.size ?? DEFAULT_CACHE_SIZE;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`size: must be an integer of at least 1, got ${String(capacity)}`);
  }
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used entry first.
  const entries = new Map<string, TValue>();
  return {
    capacity,
    get size() {
      return entries.size;
    },
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > capacity) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
    delete(key) {
      return entries.delete(key);
    },
    clear() {
      entries.clear();
    },
  };
}

/**
 * JSON with object keys sorted, so two spellings of one schema share a cache entry. Throws a TypeError on a
 * cycle: a schema is a JSON document, and a cyclic object is not one.
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const write = (node: unknown): string => {
    if (node === null || typeof node !== 'object') {
      // Functions and undefined are not JSON; they vanish from objects exactly as JSON.stringify drops them.
      return JSON.stringify(node) ?? 'null';
    }
    if (seen.has(node)) throw new TypeError('the schema contains a cycle');
    seen.add(node);
    let out: string;
    if (Array.isArray(node)) {
      out = `[${node.map(write).join(',')}]`;
    } else {
      const keys = Object.keys(node).sort();
      const parts: string[] = [];
      for (const key of keys) {
        const item = (node as Record<string, unknown>)[key];
        if (item === undefined || typeof item === 'function') continue;
        parts.push(`${JSON.stringify(key)}:${write(item)}`);
      }
      out = `{${parts.join(',')}}`;
    }
    seen.delete(node);
    return out;
  };
  return write(value);
}

/** A short, stable hash of a JSON value (SHA-256 of its canonical JSON, base64url). */
export function hashJson(value: unknown): string {
  return hashText(canonicalJson(value));
}

/** SHA-256 of a text, base64url. */
export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
