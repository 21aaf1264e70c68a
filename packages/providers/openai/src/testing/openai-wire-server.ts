import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the server received, body parsed, for asserting exactly what a client sent. */
export interface WireRequest {
  /** Position among all requests to this server, from 0. */
  readonly index: number;
  readonly method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The JSON body, or `undefined` when it was not JSON. */
  readonly body: WireRequestBody | undefined;
  /** Whether the connection closed before the reply was complete: a client abort, or a `cut` reply. */
  readonly closedEarly: boolean;
}

/** The Chat Completions fields the server reads; the rest is kept in `rawBody`. */
export interface WireRequestBody {
  readonly model?: string;
  readonly messages?: readonly { readonly role: string; readonly content: unknown }[];
  readonly n?: number;
  readonly stream?: boolean;
  readonly stream_options?: { readonly include_usage?: boolean };
  readonly logprobs?: boolean;
  readonly top_logprobs?: number;
  readonly [key: string]: unknown;
}

export interface WireTopLogprob {
  readonly token: string;
  readonly logprob: number;
}

export interface WireToken {
  readonly token: string;
  readonly logprob: number;
  readonly topLogprobs?: readonly WireTopLogprob[];
}

/** One choice of a completion. */
export interface WireChoice {
  /** `null` sends `content: null`. Default: the tokens joined, or ''. */
  readonly text?: string | null;
  readonly refusal?: string;
  /** Default `stop`; `null` leaves the choice unfinished (a stream then ends without a finish reason). */
  readonly finishReason?: string | null;
  /** Per-token logprobs; sent only when the request asks for logprobs. Streams send one token a chunk. */
  readonly tokens?: readonly WireToken[];
  /** The `index` sent; default the position. */
  readonly index?: number;
}

export interface WireUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens?: number;
}

interface ReplyTiming {
  /** Milliseconds before the status line is sent; a client abort cuts it short. */
  readonly delayMs?: number;
  readonly headers?: { readonly [name: string]: string };
}

/** A well-formed completion, served as JSON or as server-sent events, as the request asks. */
export interface CompletionReply extends ReplyTiming {
  readonly type: 'completion';
  /** One text repeated for each of the request's `n` choices. Ignored when `choices` is given. */
  readonly text?: string;
  /** Served as given, whatever `n` asked: mimics servers that ignore `n`. */
  readonly choices?: readonly WireChoice[];
  readonly model?: string;
  /** Default: about 4 characters a token. `null` omits usage (a server that never reports it). */
  readonly usage?: WireUsage | null;
  /** Milliseconds between stream events (a slow stream). */
  readonly eventDelayMs?: number;
  /**
   * Cut the reply short. Streams: after `afterEvents` data events (default half of them), then end cleanly
   * (`end`, no `[DONE]`) or reset the connection (`destroy`). JSON: half the body is sent, then the
   * connection is reset, whatever `how` says.
   */
  readonly cut?: { readonly afterEvents?: number; readonly how: 'end' | 'destroy' };
}

/** An OpenAI-style error response: `{ error: { message, type, code } }` with the status. */
export interface ErrorReply extends ReplyTiming {
  readonly type: 'error';
  readonly status: number;
  readonly message?: string;
  readonly errorType?: string;
  readonly code?: string | number | null;
}

/** Any bytes with any status: empty bodies, HTML pages, non-JSON, broken event streams, huge bodies. */
export interface RawReply extends ReplyTiming {
  readonly type: 'raw';
  readonly status?: number;
  readonly contentType?: string;
  readonly body: string | Uint8Array;
  /** Send without Content-Length (chunked), so only counting the bytes can catch a huge body. */
  readonly chunked?: boolean;
}

/** Never answers; the request stays open until the client gives up or the server closes. */
export interface HangReply {
  readonly type: 'hang';
}

export type WireReply = CompletionReply | ErrorReply | RawReply | HangReply;

/**
 * What the server answers: a queue (the last reply repeats), a queue per model, or a function of the
 * request.
 */
export type WireScript =
  | readonly WireReply[]
  | { readonly [model: string]: readonly WireReply[] }
  | ((request: WireRequest) => WireReply | Promise<WireReply>);

export interface OpenAIWireServerOptions {
  readonly script: WireScript;
}

export interface OpenAIWireServer {
  /** Base URL for the client, ending in `/v1`. */
  readonly baseURL: string;
  /** Every request received, in arrival order. */
  readonly requests: readonly WireRequest[];
  /** Stops listening and drops open connections (hung replies included). */
  close(): Promise<void>;
}

interface MutableWireRequest extends WireRequest {
  closedEarly: boolean;
}

function sleep(ms: number, cancelled: Promise<void>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    cancelled.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

function defaultTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function estimatePromptTokens(body: WireRequestBody | undefined): number {
  let chars = 0;
  for (const message of body?.messages ?? []) chars += typeof message.content === 'string' ? message.content.length : 0;
  return Math.max(1, Math.ceil(chars / 4));
}

interface PreparedChoice {
  readonly index: number;
  readonly text: string | null;
  readonly refusal: string | undefined;
  readonly finishReason: string | null;
  readonly tokens: readonly WireToken[] | undefined;
}

function prepareChoices(reply: CompletionReply, body: WireRequestBody | undefined): PreparedChoice[] {
  const given: readonly WireChoice[] =
    reply.choices ?? Array.from({ length: Math.max(1, body?.n ?? 1) }, () => ({ text: reply.text ?? '' }));
  return given.map((choice, position) => ({
    index: choice.index ?? position,
    text: choice.text === undefined ? (choice.tokens?.map((t) => t.token).join('') ?? '') : choice.text,
    refusal: choice.refusal,
    finishReason: choice.finishReason === undefined ? 'stop' : choice.finishReason,
    tokens: choice.tokens,
  }));
}

function usageOf(reply: CompletionReply, choices: readonly PreparedChoice[], body: WireRequestBody | undefined) {
  if (reply.usage === null) return undefined;
  const usage = reply.usage ?? {
    promptTokens: estimatePromptTokens(body),
    completionTokens: choices.reduce(
      (sum, c) => sum + (c.tokens?.length ?? defaultTokens(`${c.text ?? ''}${c.refusal ?? ''}`)),
      0,
    ),
  };
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens ?? 0 },
  };
}

function wireLogprob(token: WireToken, topCount: number) {
  return {
    token: token.token,
    logprob: token.logprob,
    bytes: [...Buffer.from(token.token, 'utf8')],
    top_logprobs: (token.topLogprobs ?? []).slice(0, topCount).map((top) => ({
      token: top.token,
      logprob: top.logprob,
      bytes: [...Buffer.from(top.token, 'utf8')],
    })),
  };
}

// Streams split text the way tokenizers roughly do: a word with its trailing space per chunk.
function pieces(text: string): string[] {
  return text.split(/(?<=\s)/).filter((piece) => piece.length > 0);
}

let completionCounter = 0;

/**
 * A local HTTP server (127.0.0.1, a free port) that speaks OpenAI's Chat Completions protocol, for tests
 * that drive the real `openai` client over HTTP: JSON and streamed (SSE) completions with `n`, per-token
 * logprobs and usage; error statuses with headers (429 with Retry-After); slow, hung, cut and malformed
 * replies. It records every request so tests can assert the exact body a client sent.
 *
 * Test-only: it trusts its script, keeps every request in memory and must be closed.
 */
export async function startOpenAIWireServer(options: OpenAIWireServerOptions): Promise<OpenAIWireServer> {
  const requests: MutableWireRequest[] = [];
  const perModel = new Map<string, number>();
  const sockets = new Set<Socket>();
  let closing = false;
  let releaseAll: () => void = () => {};
  const serverClosed = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });

  const pick = async (request: WireRequest): Promise<WireReply> => {
    const script = options.script;
    if (typeof script === 'function') return script(request);
    if (Array.isArray(script)) {
      const queue = script as readonly WireReply[];
      const reply = queue[Math.min(request.index, queue.length - 1)];
      return reply ?? { type: 'error', status: 500, message: 'the wire server script is empty' };
    }
    const model = request.body?.model ?? '';
    const queue = (script as { readonly [model: string]: readonly WireReply[] })[model];
    if (queue === undefined || queue.length === 0) {
      return { type: 'error', status: 404, message: `The model '${model}' does not exist`, code: 'model_not_found' };
    }
    const position = perModel.get(model) ?? 0;
    perModel.set(model, position + 1);
    return queue[Math.min(position, queue.length - 1)] as WireReply;
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: WireRequestBody | undefined;
    try {
      const parsed: unknown = JSON.parse(rawBody);
      body = typeof parsed === 'object' && parsed !== null ? (parsed as WireRequestBody) : undefined;
    } catch {
      body = undefined;
    }
    const record: MutableWireRequest = {
      index: requests.length,
      method: incoming.method ?? 'GET',
      path: (incoming.url ?? '/').split('?')[0] ?? '/',
      headers: incoming.headers,
      rawBody,
      body,
      closedEarly: false,
    };
    requests.push(record);
    let finished = false;
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    response.on('close', () => {
      if (!finished) record.closedEarly = true;
      markClosed();
    });
    const cancelled = Promise.race([closed, serverClosed]);

    if (record.method !== 'POST' || record.path !== '/v1/chat/completions') {
      finished = true;
      sendJson(response, 404, {
        error: { message: `no route ${record.method} ${record.path}`, type: 'invalid_request_error' },
      });
      return;
    }
    const reply = await pick(record);
    if (reply.type === 'hang') {
      await cancelled;
      return;
    }
    if (reply.delayMs !== undefined && reply.delayMs > 0 && !(await sleep(reply.delayMs, cancelled))) return;
    const headers = { 'x-request-id': `req_${record.index}`, ...reply.headers };

    if (reply.type === 'error') {
      finished = true;
      sendJson(
        response,
        reply.status,
        {
          error: {
            message: reply.message ?? `error ${reply.status}`,
            type: reply.errorType ?? (reply.status >= 500 ? 'server_error' : 'invalid_request_error'),
            param: null,
            code: reply.code ?? null,
          },
        },
        headers,
      );
      return;
    }
    if (reply.type === 'raw') {
      const payload = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : Buffer.from(reply.body);
      response.writeHead(reply.status ?? 200, {
        ...headers,
        ...(reply.contentType === undefined ? {} : { 'content-type': reply.contentType }),
        ...(reply.chunked === true ? {} : { 'content-length': String(payload.byteLength) }),
      });
      // Chunked bodies go out in slices so a reader sees them arrive over time.
      const slice = reply.chunked === true ? 16 * 1024 : payload.byteLength || 1;
      for (let offset = 0; offset < payload.byteLength; offset += slice) {
        if (response.destroyed) return;
        response.write(payload.subarray(offset, offset + slice));
      }
      finished = true;
      response.end();
      return;
    }

    const choices = prepareChoices(reply, body);
    const usage = usageOf(reply, choices, body);
    const model = reply.model ?? body?.model ?? 'unknown-model';
    const wantLogprobs = body?.logprobs === true;
    const topCount = body?.top_logprobs ?? 0;
    completionCounter += 1;
    const id = `chatcmpl-wire${completionCounter}`;
    const created = Math.floor(Date.now() / 1000);

    if (body?.stream !== true) {
      const payload = Buffer.from(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: choices.map((choice) => ({
            index: choice.index,
            message: { role: 'assistant', content: choice.text, refusal: choice.refusal ?? null },
            logprobs: wantLogprobs
              ? { content: choice.tokens?.map((token) => wireLogprob(token, topCount)) ?? null, refusal: null }
              : null,
            finish_reason: choice.finishReason,
          })),
          ...(usage === undefined ? {} : { usage }),
        }),
        'utf8',
      );
      response.writeHead(200, {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(payload.byteLength),
      });
      if (reply.cut !== undefined) {
        response.write(payload.subarray(0, Math.floor(payload.byteLength / 2)));
        await sleep(5, cancelled);
        response.socket?.destroy();
        return;
      }
      finished = true;
      response.end(payload);
      return;
    }

    // Streaming: role chunk per choice, then content tokens round-robin across choices, then a finish
    // chunk per choice, then the usage chunk when asked for, then [DONE].
    const includeUsage = body.stream_options?.include_usage === true;
    const events: unknown[] = [];
    const chunk = (chunkChoices: unknown[], extra: Record<string, unknown> = {}) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: chunkChoices,
      ...(includeUsage ? { usage: null } : {}),
      ...extra,
    });
    for (const choice of choices) {
      events.push(
        chunk([
          { index: choice.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
        ]),
      );
    }
    const perChoice = choices.map((choice) => {
      if (choice.refusal !== undefined)
        return pieces(choice.refusal).map((piece) => ({ refusal: piece, token: undefined }));
      const tokens = choice.tokens;
      if (tokens !== undefined) return tokens.map((token) => ({ content: token.token, token }));
      return pieces(choice.text ?? '').map((piece) => ({ content: piece, token: undefined }));
    });
    const longest = Math.max(0, ...perChoice.map((list) => list.length));
    for (let step = 0; step < longest; step += 1) {
      choices.forEach((choice, position) => {
        const item = perChoice[position]?.[step];
        if (item === undefined) return;
        const delta = 'refusal' in item ? { refusal: item.refusal } : { content: item.content };
        const logprobs =
          wantLogprobs && item.token !== undefined
            ? { content: [wireLogprob(item.token, topCount)], refusal: null }
            : null;
        events.push(chunk([{ index: choice.index, delta, logprobs, finish_reason: null }]));
      });
    }
    for (const choice of choices) {
      if (choice.finishReason === null) continue;
      events.push(chunk([{ index: choice.index, delta: {}, logprobs: null, finish_reason: choice.finishReason }]));
    }
    if (includeUsage && usage !== undefined) events.push(chunk([], { usage }));

    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const cutAfter = reply.cut === undefined ? undefined : (reply.cut.afterEvents ?? Math.floor(events.length / 2));
    for (let i = 0; i < events.length; i += 1) {
      if (reply.cut !== undefined && cutAfter !== undefined && i >= cutAfter) {
        if (reply.cut.how === 'destroy') {
          // Let the written events reach the client before the connection is reset.
          await sleep(5, cancelled);
          response.socket?.destroy();
        } else {
          finished = true;
          response.end();
        }
        return;
      }
      if (response.destroyed) return;
      response.write(`data: ${JSON.stringify(events[i])}\n\n`);
      if (reply.eventDelayMs !== undefined && reply.eventDelayMs > 0 && !(await sleep(reply.eventDelayMs, cancelled)))
        return;
    }
    finished = true;
    response.end('data: [DONE]\n\n');
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, { error: { message: `wire server failed: ${String(error)}` } });
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    async close() {
      if (closing) return;
      closing = true;
      releaseAll();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(
  response: ServerResponse,
  status: number,
  payload: unknown,
  headers: { [name: string]: string } = {},
): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}
