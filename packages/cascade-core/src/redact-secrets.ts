/**
 * Credentials scrubbed from provider error text before it reaches errors, attempts, spans, logs and
 * trace files: a server that echoes the request's API key in its error body must not leak it further.
 */

export interface RedactSecretsOptions {
  /**
   * Exact strings to scrub wherever they appear, whatever their shape (the configured API key). Strings
   * under 8 characters are left alone: too likely to be ordinary words (a local server's "unused").
   */
  readonly secrets?: readonly string[];
}

const REDACTED = '[redacted]';
const MIN_SECRET_CHARS = 8;

// Token characters of RFC 6750 (b64token), 8 or more so prose like "Bearer auth" is left alone.
const BEARER = /\b(Bearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi;
// OpenAI (sk-, sk-proj-, sk-svcacct-), Anthropic (sk-ant-api03-), OpenRouter (sk-or-v1-) style keys.
const SK_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g;
// A key echoed as a header or field: `x-api-key: ...`, `"api_key": "..."`, `apiKey=...`.
const KEY_FIELD = /\b((?:x-)?api[-_]?key["']?\s*[:=]\s*["']?)[A-Za-z0-9\-._~+/]{8,}/gi;

/**
 * Replaces credentials in `text` with `[redacted]`: each of `secrets`, `Bearer <token>`, `sk-...` /
 * `sk-ant-...` keys, and `api-key: <value>` pairs. Providers apply it (through `ProviderError`'s
 * `secrets` option) to every error they build, so their configured key is scrubbed even when it has no
 * known shape.
 */
export function redactSecrets(text: string, options: RedactSecretsOptions = {}): string {
  let result = text;
  for (const secret of options.secrets ?? []) {
    if (typeof secret === 'string' && secret.length >= MIN_SECRET_CHARS && result.includes(secret)) {
      result = result.split(secret).join(REDACTED);
    }
  }
  return result.replace(BEARER, `$1${REDACTED}`).replace(SK_KEY, REDACTED).replace(KEY_FIELD, `$1${REDACTED}`);
}

// Bounds on the walk of a cause: an SDK error, its parsed body, and the errors it wraps.
const MAX_DEPTH = 6;
const MAX_NODES = 500;

function isWalkable(value: object): boolean {
  if (value instanceof Error || Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Scrubs credentials, in place, from an error kept as a `cause`: the message and stack of every error in
 * its chain, and the strings of its plain-data fields (an SDK error's parsed body). Class instances other
 * than errors (headers, clients, responses) are not walked, and accessors are not called. The cause stays
 * the same object, so `instanceof` checks on it still hold.
 */
export function redactSecretsInPlace(value: unknown, options: RedactSecretsOptions = {}): void {
  const seen = new Set<object>();
  const walk = (node: unknown, depth: number): void => {
    if (typeof node !== 'object' || node === null || depth > MAX_DEPTH || seen.size >= MAX_NODES) return;
    if (seen.has(node) || !isWalkable(node)) return;
    seen.add(node);
    const record = node as Record<PropertyKey, unknown>;
    if (node instanceof Error) {
      try {
        // `stack` is an accessor on V8 errors: read and written through it, not through its descriptor.
        const stack = node.stack;
        if (typeof stack === 'string') {
          const clean = redactSecrets(stack, options);
          if (clean !== stack) node.stack = clean;
        }
      } catch {
        // A frozen or exotic error keeps its stack.
      }
    }
    for (const key of Reflect.ownKeys(node)) {
      const descriptor = Object.getOwnPropertyDescriptor(node, key);
      if (descriptor === undefined || !('value' in descriptor)) continue;
      const field = descriptor.value;
      if (typeof field === 'string') {
        const clean = redactSecrets(field, options);
        if (clean === field) continue;
        try {
          if (descriptor.writable === true) record[key] = clean;
          else if (descriptor.configurable === true) Object.defineProperty(node, key, { ...descriptor, value: clean });
        } catch {
          // A frozen object keeps its field.
        }
      } else {
        walk(field, depth + 1);
      }
    }
  };
  walk(value, 0);
}
