import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, ProviderError } from '@llm-cascade/core';
import {
  type ChatRequest,
  completionBody,
  completionChunks,
  errorBody,
  parseChatRequest,
  WireError,
} from './openai-wire.ts';
import { createReplayCore, type ReplaySourceOptions } from './replay-provider.ts';

/** Options of `startReplayServer`: the recording (`records` or `path`) and replay behaviour, plus where to listen. */
export interface ReplayServerOptions extends ReplaySourceOptions {
  /** TCP port; 0 (default) picks a free one, reported back as `port`. */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1`: the server has no authentication, keep it local. */
  readonly host?: string;
  /** Largest request body accepted; a larger one gets 413. Default 10 MiB. */
  readonly maxBodyBytes?: number;
}

/** A running replay server. */
export interface ReplayServer {
  /** `http://address:port` with the address actually bound (`http://0.0.0.0:8787` for every interface), no trailing slash. */
  readonly url: string;
  /** `url + '/v1'`: give it to an OpenAI client as `baseURL`. */
  readonly baseURL: string;
  readonly port: number;
  /** The host asked for (`options.host`, default `127.0.0.1`). */
  readonly host: string;
  /** The address the server is bound to, as the system reports it (`127.0.0.1`, `::`, `0.0.0.0`, ...). */
  readonly address: string;
  /**
   * Whether only this machine can connect (a loopback address). False for `0.0.0.0`, `::` or a network
   * address: the server has no authentication, so warn whoever started it.
   */
  readonly loopback: boolean;
  /** Every model named in the recording (also listed by `GET /v1/models`). */
  readonly models: readonly string[];
  /** Stops listening, aborts requests in flight (their simulated latency included) and closes every connection. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
const OWNER = 'llm-cascade-replay';

class BodyTooLarge extends Error {}

function sendJson(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: WireError, headers: Record<string, string> = {}): void {
  sendJson(response, error.status, errorBody(error), headers);
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Writes one SSE event, waiting for the socket to drain when its buffer is full. */
async function writeEvent(response: ServerResponse, data: string): Promise<void> {
  if (response.write(`data: ${data}\n\n`)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** An address as the host part of a URL: IPv6 in brackets. */
function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6. */
export function isLoopbackAddress(address: string): boolean {
  const ipv4 = address.toLowerCase().replace(/^::ffff:/, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ipv4) || /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(address.toLowerCase());
}

function checkServerOptions(options: ReplayServerOptions): void {
  const port = options.port;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new ConfigError('port', `must be a whole number from 0 to 65535, got ${String(port)}`);
  }
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host.length === 0)) {
    throw new ConfigError('host', 'must be a non-empty host name or address');
  }
  const limit = options.maxBodyBytes;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new ConfigError('maxBodyBytes', `must be a whole number above 0, got ${String(limit)}`);
  }
}

/**
 * Serves a recording as a local OpenAI-compatible API, so the real `openai` client (or any tool speaking
 * the Chat Completions protocol) runs end to end with no network and no key (any key is accepted).
 *
 * Routes: `POST /v1/chat/completions` (non-streaming, and streaming SSE with `stream_options.include_usage`;
 * honours `n`, `logprobs`, `top_logprobs`; usage from the recording) and `GET /v1/models[/:id]`.
 * Matching is the replay provider's: a request id from the `x-cascade-request-id` header, the body's
 * `metadata.cascade_request_id` / `metadata.request_id` / `user`, or the `x-request-id` header (tried in that
 * order), else the hash of the messages (`developer` messages count as `system`).
 * Errors use OpenAI's JSON shape: 400 bad body, 404 no recording (or model, or not enough candidates),
 * 405 wrong method, 413 body over `maxBodyBytes`.
 *
 * Warning: it has no authentication; keep the default host `127.0.0.1` (`loopback` says whether the bound
 * address is one only this machine can reach). Always `close()` it (tests too):
 * the OpenAI client keeps connections alive.
 */
export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  checkServerOptions(options);
  const core = createReplayCore(options, 'replay-server');
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const shutdown = new AbortController();
  const created = Math.floor(Date.now() / 1000);
  let completions = 0;

  const models = core.store.models;
  const modelBody = (id: string) => ({ id, object: 'model', created, owned_by: OWNER });

  async function chat(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text: string;
    try {
      text = await readBody(request, limit);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      // Stop reading an oversized body: answer, then drop the connection rather than drain it.
      response.once('finish', () => request.socket.destroy());
      sendError(response, new WireError(413, 'request_too_large', `the request body exceeds ${limit} bytes`), {
        connection: 'close',
      });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      sendError(response, new WireError(400, 'invalid_json', 'the request body is not valid JSON', 'body'));
      return;
    }
    const chatRequest: ChatRequest = parseChatRequest(body, request.headers);
    const controller = new AbortController();
    const abort = () => controller.abort(new Error('the client closed the connection'));
    response.once('close', abort);
    const onShutdown = () => controller.abort(new Error('the replay server is closing'));
    shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    try {
      const served = await core.serve(
        {
          ids: chatRequest.ids,
          messages: chatRequest.messages,
          model: chatRequest.model,
          samples: chatRequest.samples,
          logprobs: chatRequest.logprobs,
          topLogprobs: chatRequest.topLogprobs,
        },
        controller.signal,
      );
      completions += 1;
      const id = `chatcmpl-replay-${completions}`;
      const headers = {
        'x-request-id': id,
        'x-cascade-recording-id': encodeURIComponent(served.match.entry.id),
        'x-cascade-match': served.match.via,
      };
      if (!chatRequest.stream) {
        sendJson(
          response,
          200,
          completionBody(served.generation, chatRequest, id, Math.floor(Date.now() / 1000)),
          headers,
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
      for (const chunk of completionChunks(served.generation, chatRequest, id, Math.floor(Date.now() / 1000))) {
        if (controller.signal.aborted) return;
        await writeEvent(response, JSON.stringify(chunk));
      }
      response.end('data: [DONE]\n\n');
    } catch (error) {
      if (controller.signal.aborted) {
        response.destroy();
        return;
      }
      if (ProviderError.isInstance(error) && error.kind === 'not-found') {
        sendError(response, new WireError(404, 'recording_not_found', error.message));
        return;
      }
      throw error;
    } finally {
      response.off('close', abort);
      shutdown.signal.removeEventListener('abort', onShutdown);
    }
  }

  function route(request: IncomingMessage, response: ServerResponse): Promise<void> | void {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === '/v1/chat/completions') {
      if (request.method === 'POST') return chat(request, response);
      return sendError(
        response,
        new WireError(405, 'method_not_allowed', `${request.method} is not allowed on ${path}; use POST`),
        { allow: 'POST' },
      );
    }
    if (path === '/v1/models' || path.startsWith('/v1/models/')) {
      if (request.method !== 'GET') {
        return sendError(
          response,
          new WireError(405, 'method_not_allowed', `${request.method} is not allowed on ${path}; use GET`),
          { allow: 'GET' },
        );
      }
      if (path === '/v1/models') return sendJson(response, 200, { object: 'list', data: models.map(modelBody) });
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (models.includes(id)) return sendJson(response, 200, modelBody(id));
      return sendError(response, new WireError(404, 'model_not_found', `the recording has no model '${id}'`, 'model'));
    }
    return sendError(response, new WireError(404, 'unknown_url', `unknown route ${request.method ?? ''} ${path}`));
  }

  const server = createServer((request, response) => {
    Promise.resolve()
      .then(() => route(request, response))
      .catch((error: unknown) => {
        if (response.headersSent) {
          response.destroy();
          return;
        }
        const wire =
          error instanceof WireError
            ? error
            : new WireError(
                500,
                'server_error',
                `replay server error: ${error instanceof Error ? error.message : String(error)}`,
              );
        sendError(response, wire);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const port = bound.port;
  const url = `http://${urlHost(bound.address)}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    baseURL: `${url}/v1`,
    port,
    host,
    address: bound.address,
    loopback: isLoopbackAddress(bound.address),
    models,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        shutdown.abort();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
