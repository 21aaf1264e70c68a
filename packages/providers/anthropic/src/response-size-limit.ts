import type { Middleware } from '@anthropic-ai/sdk';

const MARKER = Symbol.for('llm-cascade.anthropic.response-too-large');

/** A response body grew past the provider's `maxResponseBytes`; the read was cut off there. */
export class ResponseTooLargeError extends Error {
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`the response body is larger than maxResponseBytes (${limitBytes} bytes); reading stopped there`);
    this.name = 'ResponseTooLargeError';
    this.limitBytes = limitBytes;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for this error anywhere in a `cause` chain (fetch and the SDK may wrap it). */
  static isInstance(value: unknown): value is ResponseTooLargeError {
    return ResponseTooLargeError.find(value) !== undefined;
  }

  static find(value: unknown): ResponseTooLargeError | undefined {
    const seen = new Set<unknown>();
    let current = value;
    while (typeof current === 'object' && current !== null && !seen.has(current)) {
      if ((current as { [MARKER]?: unknown })[MARKER] === true) return current as ResponseTooLargeError;
      seen.add(current);
      current = (current as { cause?: unknown }).cause;
    }
    return undefined;
  }
}

/**
 * SDK middleware that counts response body bytes and fails the read once they pass `maxBytes`, so a
 * runaway or hostile server cannot fill memory through this process. It runs per request, so it also
 * guards an injected client. A declared `content-length` over the cap fails before any byte is read.
 */
export function responseSizeLimit(maxBytes: number): Middleware {
  return async (request, next) => {
    const response = await next(request);
    const body = response.body;
    if (body === null) return response;
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (response.ok && Number.isFinite(declared) && declared > maxBytes) {
      await body.cancel().catch(() => {});
      throw new ResponseTooLargeError(maxBytes);
    }
    let total = 0;
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          total += chunk.byteLength;
          if (total > maxBytes) {
            controller.error(new ResponseTooLargeError(maxBytes));
            return;
          }
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
