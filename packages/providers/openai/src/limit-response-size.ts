/** The `fetch` signature the `openai` client accepts. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Default cap on one response body: far above any real chat completion, far below a memory problem. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const MARKER = Symbol.for('llm-cascade.openai.response-too-large');

/**
 * A response body went past the byte cap. Raised while the body is read, so the bytes past the cap are
 * never buffered; the provider reports it as a `malformed-response` ProviderError.
 */
export class ResponseTooLargeError extends Error {
  readonly maxBytes: number;
  /** Bytes received (or declared by Content-Length) when the cap tripped. */
  readonly bytes: number;

  constructor(maxBytes: number, bytes: number, declared: boolean) {
    super(
      `response body ${declared ? 'declares' : 'exceeded'} ${bytes} bytes, over the ${maxBytes}-byte cap (maxResponseBytes)`,
    );
    this.name = 'ResponseTooLargeError';
    this.maxBytes = maxBytes;
    this.bytes = bytes;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** Works across duplicate copies of this package, and through an error's `cause` chain. */
  static isInstance(value: unknown): value is ResponseTooLargeError {
    return ResponseTooLargeError.find(value) !== undefined;
  }

  /** The marked error itself, when `value` or one of its causes is one. */
  static find(value: unknown): ResponseTooLargeError | undefined {
    for (let current = value, depth = 0; depth < 5; depth += 1) {
      if (typeof current !== 'object' || current === null) return undefined;
      if ((current as { [MARKER]?: unknown })[MARKER] === true) return current as ResponseTooLargeError;
      current = (current as { cause?: unknown }).cause;
    }
    return undefined;
  }
}

// Statuses whose Response may not carry a body; they pass through untouched.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Options of `limitResponseSize`. */
export interface LimitResponseSizeOptions {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** The fetch to wrap. Default: the global `fetch`. */
  readonly fetch?: FetchFunction;
}

/**
 * Wraps a `fetch` so that no response body larger than `maxBytes` is ever read whole: the body stream
 * errors with `ResponseTooLargeError` as soon as the count passes the cap (or at once, when Content-Length
 * already declares more). The `openai` client then fails the call instead of buffering a runaway body.
 *
 * `openaiProvider` applies this to the client it builds. Use it yourself only when you inject your own
 * client: `new OpenAI({ fetch: limitResponseSize({ maxBytes }), maxRetries: 0 })`.
 */
export function limitResponseSize(options: LimitResponseSizeOptions): FetchFunction {
  const { maxBytes } = options;
  if (!(Number.isInteger(maxBytes) && maxBytes >= 1)) {
    throw new RangeError(`maxBytes must be a whole number at least 1, got ${String(maxBytes)}`);
  }
  const base: FetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  return async (input, init) => {
    const response = await base(input, init);
    const source = response.body;
    if (source === null || NULL_BODY_STATUSES.has(response.status) || response.status < 200) return response;
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    const encoding = response.headers.get('content-encoding');
    // fetch holds an unencoded body to its Content-Length, so a declared size within the cap needs no
    // counting. A compressed body is counted anyway: its declared size says nothing of the decoded one.
    const identity = encoding === null || encoding.trim() === '' || encoding.trim().toLowerCase() === 'identity';
    if (identity && Number.isFinite(declared) && declared <= maxBytes) return response;
    const reader = source.getReader();
    let received = 0;
    const limited = new ReadableStream<Uint8Array>({
      start(controller) {
        if (identity && Number.isFinite(declared) && declared > maxBytes) {
          reader.cancel().catch(() => {});
          controller.error(new ResponseTooLargeError(maxBytes, declared, true));
        }
      },
      async pull(controller) {
        // A read error (the caller's abort, a cut connection) errors this stream with the same reason.
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        received += value.byteLength;
        if (received > maxBytes) {
          reader.cancel().catch(() => {});
          controller.error(new ResponseTooLargeError(maxBytes, received, false));
          return;
        }
        controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    const wrapped = new Response(limited, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // Keeps the request URL for the client's logs; a constructed Response has an empty one.
    Object.defineProperty(wrapped, 'url', { value: response.url });
    return wrapped;
  };
}
