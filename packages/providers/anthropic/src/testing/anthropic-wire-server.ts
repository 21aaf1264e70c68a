import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A content block the fake server answers with, in Anthropic's wire shape. */
export type WireContentBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature?: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: unknown };

/** Usage the fake server reports; missing counts are estimated from the request and the text. */
export interface WireUsage {
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly cache_read_input_tokens?: number;
  readonly cache_creation_input_tokens?: number;
}

interface StepTiming {
  /** Milliseconds before the response starts (headers included). The client's abort or timeout cuts it. */
  readonly delayMs?: number;
}

/** Answer with a message: JSON, or server-sent events when the request asked for `stream: true`. */
export interface WireMessageStep extends StepTiming {
  readonly kind?: 'message';
  /** One text block. Ignored when `content` is given. */
  readonly text?: string;
  readonly content?: readonly WireContentBlock[];
  /** Default `end_turn`. */
  readonly stopReason?: string | null;
  readonly stopDetails?: {
    readonly type: 'refusal';
    readonly category: string | null;
    readonly explanation: string | null;
  };
  readonly usage?: WireUsage;
  /** Model reported back; default the requested one. */
  readonly model?: string;
  /** Milliseconds between stream events. */
  readonly eventDelayMs?: number;
  /** Characters per `text_delta` when streaming. Default 8. */
  readonly chunkSize?: number;
  /**
   * Break the answer: `end-early` ends the stream cleanly after the first text delta (no message_delta,
   * no message_stop); `no-message-stop` sends everything but message_stop; `reset` writes part of the
   * body (JSON or stream) and then destroys the socket.
   */
  readonly cut?: 'end-early' | 'no-message-stop' | 'reset';
  /** Send an SSE `error` event after the first text delta (streaming only), then end the stream. */
  readonly streamError?: { readonly type: string; readonly message: string };
  /** Pad the text block with this many extra bytes (for size-cap tests). */
  readonly padBytes?: number;
}

/** Answer with an Anthropic error body at an HTTP status. */
export interface WireErrorStep extends StepTiming {
  readonly kind: 'error';
  readonly status: number;
  /** Default: Anthropic's type for the status (`rate_limit_error`, `overloaded_error`, ...). */
  readonly errorType?: string;
  readonly message?: string;
  readonly headers?: { readonly [name: string]: string };
}

/** Answer with exactly these bytes: empty bodies, HTML pages, broken JSON. */
export interface WireRawStep extends StepTiming {
  readonly kind: 'raw';
  /** Default 200. */
  readonly status?: number;
  /** Default `content-type: application/json`. */
  readonly headers?: { readonly [name: string]: string };
  readonly body: string;
}

/** Never answer: the request stays open until the client gives up (abort, timeout) or the server closes. */
export interface WireHangStep {
  readonly kind: 'hang';
}

/** What the fake server does with one request. */
export type WireStep = WireMessageStep | WireErrorStep | WireRawStep | WireHangStep;

/** A request as the fake server received it. Credentials in `headers` are replaced by `[redacted]`. */
export interface WireRequest {
  /** Position among all requests, from 0. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly headers: { readonly [name: string]: string };
  /** The JSON body, or `undefined` when it was not JSON. */
  readonly body: { readonly [key: string]: unknown } | undefined;
  readonly model: string | undefined;
  readonly stream: boolean;
  /** Whether the request carried the server's `apiKey` (`x-api-key` or `Authorization: Bearer`). */
  readonly authenticated: boolean;
  /** True once the client closed the connection before the response was complete. */
  readonly aborted: boolean;
}

/** Steps for the fake server: one queue, a queue per model, or a function of the request. */
export type WireScript =
  | readonly WireStep[]
  | { readonly [model: string]: readonly WireStep[] }
  | ((request: WireRequest) => WireStep);

/** Options of `startAnthropicWireServer`. */
export interface AnthropicWireServerOptions {
  /**
   * What each request gets: one queue for all requests, one queue per model, or a function. A queue that
   * runs out repeats its last step. Default: every request gets the text `ok`.
   */
  readonly script?: WireScript;
  /** When set, a request without this key gets 401 `authentication_error`, as the real API does. */
  readonly apiKey?: string;
}

/** A running fake server; close it (or `await using` it) when done. */
export interface AnthropicWireServer extends AsyncDisposable {
  /** Pass as the SDK's `baseURL` (no trailing `/v1`: the SDK adds it). */
  readonly baseURL: string;
  /** Every request received, in order. */
  readonly requests: readonly WireRequest[];
  /** Resolves with the next request to arrive (or the one already waiting, when `index` is given). */
  nextRequest(index?: number): Promise<WireRequest>;
  /** Replaces the script for the requests still to come. */
  setScript(script: WireScript): void;
  close(): Promise<void>;
}

const ERROR_TYPES: { readonly [status: number]: string } = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'proxy-authorization', 'cookie']);

function sleep(ms: number, response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      response.off('close', done);
      resolve();
    }
    response.once('close', done);
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(text, 'utf8') / 4));
}

function chunks(text: string, size: number): string[] {
  const points = Array.from(text);
  const parts: string[] = [];
  for (let i = 0; i < points.length; i += size) parts.push(points.slice(i, i + size).join(''));
  return parts.length === 0 ? [''] : parts;
}

function sse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A local HTTP server (127.0.0.1, a free port) that speaks enough of Anthropic's Messages API for the
 * real `@anthropic-ai/sdk` client to run against it: JSON and streamed answers, error statuses with
 * Retry-After, slow and hanging responses, and broken bodies. It records every request for assertions,
 * with credentials redacted. For tests and offline examples; it is not a model.
 *
 * @example
 * await using server = await startAnthropicWireServer({ script: [{ text: '42' }] });
 * const provider = anthropicProvider({ apiKey: 'test-key', baseURL: server.baseURL });
 */
export async function startAnthropicWireServer(options: AnthropicWireServerOptions = {}): Promise<AnthropicWireServer> {
  let script: WireScript = options.script ?? [{ text: 'ok' }];
  const requests: WireRequest[] = [];
  const perModel = new Map<string, number>();
  const waiters: { index: number; resolve: (request: WireRequest) => void }[] = [];
  let messageCounter = 0;

  function pick(queue: readonly WireStep[] | undefined, position: number): WireStep {
    if (queue === undefined || queue.length === 0) {
      return { kind: 'error', status: 404, errorType: 'not_found_error', message: 'no script for this model' };
    }
    return queue[Math.min(position, queue.length - 1)] as WireStep;
  }

  function stepFor(request: WireRequest): WireStep {
    const model = request.model ?? '';
    const modelIndex = perModel.get(model) ?? 0;
    perModel.set(model, modelIndex + 1);
    if (typeof script === 'function') return script(request);
    if (Array.isArray(script)) return pick(script as readonly WireStep[], request.index);
    return pick((script as { readonly [model: string]: readonly WireStep[] })[model], modelIndex);
  }

  function isAuthenticated(request: IncomingMessage): boolean {
    if (options.apiKey === undefined) return true;
    const bearer = request.headers.authorization;
    return request.headers['x-api-key'] === options.apiKey || bearer === `Bearer ${options.apiKey}`;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    let body: { [key: string]: unknown } | undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      body =
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as typeof body) : undefined;
    } catch {
      body = undefined;
    }
    const headers: { [name: string]: string } = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      headers[name] = CREDENTIAL_HEADERS.has(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
    }
    const record = {
      index: requests.length,
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers,
      body,
      model: typeof body?.model === 'string' ? body.model : undefined,
      stream: body?.stream === true,
      authenticated: isAuthenticated(request),
      aborted: false,
    };
    requests.push(record);
    response.on('close', () => {
      if (!response.writableFinished) record.aborted = true;
    });
    for (const waiter of waiters.splice(0)) {
      if (waiter.index <= record.index) waiter.resolve(requests[waiter.index] as WireRequest);
      else waiters.push(waiter);
    }

    if (record.method !== 'POST' || !record.path.startsWith('/v1/messages')) {
      writeError(response, { kind: 'error', status: 404, message: `no route ${record.method} ${record.path}` });
      return;
    }
    if (!record.authenticated) {
      writeError(response, { kind: 'error', status: 401, message: 'invalid x-api-key' });
      return;
    }
    const step = stepFor(record);
    if (step.kind === 'hang') return;
    if (step.delayMs !== undefined) await sleep(step.delayMs, response);
    if (response.destroyed) return;
    if (step.kind === 'error') {
      writeError(response, step);
      return;
    }
    if (step.kind === 'raw') {
      response.writeHead(step.status ?? 200, { 'content-type': 'application/json', ...step.headers });
      response.end(step.body);
      return;
    }
    const message = buildMessage(step, record);
    if (record.stream) await writeStream(response, step, message);
    else writeJson(response, step, message);
  }

  function buildMessage(step: WireMessageStep, request: WireRequest) {
    messageCounter += 1;
    const padding = step.padBytes === undefined ? '' : 'x'.repeat(step.padBytes);
    const content: WireContentBlock[] = step.content
      ? [...step.content]
      : [{ type: 'text', text: `${step.text ?? 'ok'}${padding}` }];
    const text = content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    const usage = {
      input_tokens: step.usage?.input_tokens ?? estimateTokens(JSON.stringify(request.body?.messages ?? '')),
      output_tokens: step.usage?.output_tokens ?? estimateTokens(text),
      cache_read_input_tokens: step.usage?.cache_read_input_tokens ?? 0,
      cache_creation_input_tokens: step.usage?.cache_creation_input_tokens ?? 0,
    };
    return {
      id: `msg_wire_${messageCounter}`,
      type: 'message' as const,
      role: 'assistant' as const,
      model: step.model ?? request.model ?? 'unknown',
      content,
      stop_reason: step.stopReason === undefined ? 'end_turn' : step.stopReason,
      stop_sequence: null,
      stop_details: step.stopDetails ?? null,
      usage,
    };
  }

  function writeError(response: ServerResponse, step: WireErrorStep): void {
    const type = step.errorType ?? ERROR_TYPES[step.status] ?? 'api_error';
    response.writeHead(step.status, {
      'content-type': 'application/json',
      'request-id': 'req_wire_error',
      ...step.headers,
    });
    response.end(JSON.stringify({ type: 'error', error: { type, message: step.message ?? type } }));
  }

  function writeJson(response: ServerResponse, step: WireMessageStep, message: ReturnType<typeof buildMessage>): void {
    const json = JSON.stringify(message);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(json)),
      'request-id': `req_${message.id}`,
    });
    if (step.cut === 'reset') {
      response.write(json.slice(0, Math.floor(json.length / 2)));
      setImmediate(() => response.destroy());
      return;
    }
    response.end(json);
  }

  async function writeStream(
    response: ServerResponse,
    step: WireMessageStep,
    message: ReturnType<typeof buildMessage>,
  ): Promise<void> {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'request-id': `req_${message.id}`,
    });
    const pause = async () => {
      if (step.eventDelayMs !== undefined) await sleep(step.eventDelayMs, response);
    };
    const send = async (type: string, data: unknown) => {
      if (response.destroyed) return;
      // Wait for each event to reach the socket, so a cut after it is seen after it by the client.
      await new Promise<void>((resolve) => response.write(sse(type, data), () => resolve()));
      await pause();
    };
    await send('message_start', {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_details: null,
        usage: { ...message.usage, output_tokens: 1 },
      },
    });
    await send('ping', { type: 'ping' });
    let firstDelta = true;
    for (const [index, block] of message.content.entries()) {
      if (block.type === 'text') {
        await send('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '' },
        });
        for (const part of chunks(block.text, step.chunkSize ?? 8)) {
          await send('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'text_delta', text: part },
          });
          if (firstDelta) {
            firstDelta = false;
            if (step.streamError !== undefined) {
              await send('error', { type: 'error', error: step.streamError });
              response.end();
              return;
            }
            if (step.cut === 'end-early') {
              response.end();
              return;
            }
            if (step.cut === 'reset') {
              response.destroy();
              return;
            }
          }
        }
      } else {
        await send('content_block_start', { type: 'content_block_start', index, content_block: block });
      }
      await send('content_block_stop', { type: 'content_block_stop', index });
    }
    await send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null, stop_details: message.stop_details },
      usage: { output_tokens: message.usage.output_tokens },
    });
    if (step.cut !== 'no-message-stop') await send('message_stop', { type: 'message_stop' });
    response.end();
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`wire server error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return closed;
  };

  return {
    baseURL: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    nextRequest(index = requests.length) {
      const ready = requests[index];
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve) => waiters.push({ index, resolve }));
    },
    setScript(next: WireScript) {
      script = next;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
