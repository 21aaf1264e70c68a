import type {
  Candidate,
  FinishReason,
  Generation,
  Message,
  MessageRole,
  ResponseFormat,
  TokenLogprob,
} from '@llm-cascade/core';

/** A request the server cannot take, with the HTTP status and OpenAI error fields to answer with. */
export class WireError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;

  constructor(status: number, code: string, message: string, param: string | null = null) {
    super(message);
    this.name = 'WireError';
    this.status = status;
    this.type = status >= 500 ? 'server_error' : 'invalid_request_error';
    this.code = code;
    this.param = param;
  }
}

/** OpenAI's error body shape. */
export function errorBody(error: { message: string; type: string; code: string; param: string | null }): object {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

/** A chat completion request, checked and converted to what the replay store needs. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly Message[];
  readonly samples: number;
  readonly logprobs: boolean;
  readonly topLogprobs: number;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** Request ids to match, in the order tried. */
  readonly ids: readonly string[];
  readonly responseFormat?: ResponseFormat;
}

/** Most choices one request may ask for; OpenAI's own limit is 128. */
const MAX_CHOICES = 128;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(param: string, message: string): WireError {
  return new WireError(400, 'invalid_request_error', message, param);
}

function messageContent(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) throw bad(param, `${param} must be a string or an array of text parts`);
  return content
    .map((part, i) => {
      if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
        throw bad(`${param}[${i}]`, `${param}[${i}]: only text parts can be replayed`);
      }
      return part.text;
    })
    .join('');
}

function convertMessages(value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw bad('messages', 'messages must be a non-empty array');
  return value.map((message, i) => {
    const param = `messages[${i}]`;
    if (!isObject(message)) throw bad(param, `${param} must be an object`);
    const role = message.role;
    let mapped: MessageRole;
    if (role === 'system' || role === 'developer') mapped = 'system';
    else if (role === 'user' || role === 'assistant') mapped = role;
    else
      throw bad(
        `${param}.role`,
        `${param}.role ${JSON.stringify(role)} cannot be replayed (system, developer, user, assistant)`,
      );
    return { role: mapped, content: messageContent(message.content, `${param}.content`) };
  });
}

function optionalInteger(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(name, `${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw bad(name, `${name} must be a boolean`);
  return value;
}

function responseFormatOf(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || typeof value.type !== 'string')
    throw bad('response_format', 'response_format must be an object with a type');
  if (value.type !== 'json_schema') return undefined;
  const spec = value.json_schema;
  if (!isObject(spec) || (spec.schema !== undefined && !isObject(spec.schema) && typeof spec.schema !== 'boolean')) {
    throw bad('response_format.json_schema', 'response_format.json_schema must be an object with a schema');
  }
  return {
    type: 'json_schema',
    schema: (spec.schema ?? {}) as ResponseFormat['schema'],
    ...(typeof spec.name === 'string' ? { name: spec.name } : {}),
    ...(typeof spec.strict === 'boolean' ? { strict: spec.strict } : {}),
  };
}

function header(headers: { readonly [name: string]: string | string[] | undefined }, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.length === 0 ? undefined : first;
}

/**
 * Where the server looks for a request id, in order: the `x-cascade-request-id` header, the body's
 * `metadata.cascade_request_id`, `metadata.request_id`, `user`, then the `x-request-id` header (last: proxies
 * set it to random values). Each is tried against the recording; the messages hash is the fallback.
 */
export function requestIds(
  body: Record<string, unknown>,
  headers: { readonly [name: string]: string | string[] | undefined },
): string[] {
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const found = [
    header(headers, 'x-cascade-request-id'),
    metadata.cascade_request_id,
    metadata.request_id,
    body.user,
    header(headers, 'x-request-id'),
  ];
  const ids: string[] = [];
  for (const id of found) if (typeof id === 'string' && id.length > 0 && !ids.includes(id)) ids.push(id);
  return ids;
}

/** Checks a `POST /v1/chat/completions` body; throws `WireError` (400) naming the bad parameter. */
export function parseChatRequest(
  body: unknown,
  headers: { readonly [name: string]: string | string[] | undefined },
): ChatRequest {
  if (!isObject(body)) throw bad('body', 'the request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model.length === 0) throw bad('model', 'model must be a non-empty string');
  const messages = convertMessages(body.messages);
  const samples = optionalInteger(body, 'n', 1, MAX_CHOICES) ?? 1;
  const logprobs = optionalBoolean(body, 'logprobs') ?? false;
  const topLogprobs = optionalInteger(body, 'top_logprobs', 0, 20);
  if (topLogprobs !== undefined && !logprobs) throw bad('top_logprobs', 'top_logprobs requires logprobs: true');
  const stream = optionalBoolean(body, 'stream') ?? false;
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && !isObject(streamOptions)) {
    throw bad('stream_options', 'stream_options must be an object');
  }
  const includeUsage = isObject(streamOptions) && streamOptions.include_usage === true;
  const responseFormat = responseFormatOf(body.response_format);
  for (const name of ['temperature', 'max_tokens', 'max_completion_tokens'] as const) {
    const value = body[name];
    if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw bad(name, `${name} must be a number`);
    }
  }
  return {
    model: body.model,
    messages,
    samples,
    logprobs,
    topLogprobs: topLogprobs ?? 0,
    stream,
    includeUsage,
    ids: requestIds(body, headers),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
}

type WireFinish = 'stop' | 'length' | 'content_filter' | 'tool_calls';

/** OpenAI's finish reasons have no `refusal` or `other`: a refusal travels in `message.refusal`. */
function wireFinish(reason: FinishReason): WireFinish {
  return reason === 'length' || reason === 'content_filter' || reason === 'tool_calls' ? reason : 'stop';
}

interface WireLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}

function bytesOf(token: string): number[] {
  return [...Buffer.from(token, 'utf8')];
}

function wireLogprobs(logprobs: readonly TokenLogprob[]): WireLogprob[] {
  return logprobs.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: bytesOf(entry.token),
    top_logprobs: (entry.topLogprobs ?? []).map((top) => ({
      token: top.token,
      logprob: top.logprob,
      bytes: bytesOf(top.token),
    })),
  }));
}

function wireUsage(generation: Generation): object {
  const { inputTokens, outputTokens, cachedInputTokens } = generation.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

function choiceLogprobs(candidate: Candidate, request: ChatRequest): object | null {
  if (!request.logprobs || candidate.logprobs === undefined) return null;
  return { content: wireLogprobs(candidate.logprobs), refusal: null };
}

/** The `chat.completion` body for a served generation. */
export function completionBody(generation: Generation, request: ChatRequest, id: string, created: number): object {
  return {
    id,
    object: 'chat.completion',
    created,
    model: generation.model,
    choices: generation.candidates.map((candidate, index) => ({
      index,
      message: { role: 'assistant', content: candidate.text, refusal: candidate.refusal ?? null, annotations: [] },
      logprobs: choiceLogprobs(candidate, request),
      finish_reason: wireFinish(candidate.finishReason),
    })),
    usage: wireUsage(generation),
  };
}

interface Piece {
  readonly content: string;
  readonly logprobs: readonly TokenLogprob[] | undefined;
}

/**
 * Splits an answer into stream deltas: one per recorded token when the tokens spell the text exactly
 * (each with its logprob), else word by word with every logprob on the first delta.
 */
function pieces(candidate: Candidate, withLogprobs: boolean): Piece[] {
  const logprobs = withLogprobs ? candidate.logprobs : undefined;
  if (
    logprobs !== undefined &&
    logprobs.length > 0 &&
    logprobs.map((entry) => entry.token).join('') === candidate.text
  ) {
    return logprobs.map((entry) => ({ content: entry.token, logprobs: [entry] }));
  }
  const words = candidate.text.length === 0 ? [] : candidate.text.split(/(?<=\s)(?=\S)/);
  if (logprobs !== undefined && logprobs.length > 0) {
    if (words.length === 0) return [{ content: '', logprobs }];
    return words.map((content, i) => ({ content, logprobs: i === 0 ? logprobs : undefined }));
  }
  return words.map((content) => ({ content, logprobs: undefined }));
}

/**
 * The `chat.completion.chunk` bodies of a streamed generation, choices interleaved as a real server
 * interleaves them; with `include_usage`, every chunk has `usage: null` and a last chunk with no choices
 * carries the usage.
 */
export function* completionChunks(
  generation: Generation,
  request: ChatRequest,
  id: string,
  created: number,
): Generator<object> {
  const base = { id, object: 'chat.completion.chunk', created, model: generation.model };
  const usage = request.includeUsage ? { usage: null } : {};
  const chunk = (index: number, delta: object, logprobs: object | null, finish: WireFinish | null) => ({
    ...base,
    choices: [{ index, delta, logprobs, finish_reason: finish }],
    ...usage,
  });
  const split = generation.candidates.map((candidate) => pieces(candidate, request.logprobs));
  for (let index = 0; index < generation.candidates.length; index += 1) {
    yield chunk(index, { role: 'assistant', content: '', refusal: null }, null, null);
  }
  const longest = Math.max(0, ...split.map((list) => list.length));
  for (let step = 0; step < longest; step += 1) {
    for (let index = 0; index < split.length; index += 1) {
      const piece = split[index]?.[step];
      if (piece === undefined) continue;
      const logprobs = piece.logprobs === undefined ? null : { content: wireLogprobs(piece.logprobs), refusal: null };
      yield chunk(index, { content: piece.content }, logprobs, null);
    }
  }
  for (let index = 0; index < generation.candidates.length; index += 1) {
    const candidate = generation.candidates[index] as Candidate;
    if (candidate.refusal !== undefined) yield chunk(index, { refusal: candidate.refusal }, null, null);
    yield chunk(index, {}, null, wireFinish(candidate.finishReason));
  }
  if (request.includeUsage) yield { ...base, choices: [], usage: wireUsage(generation) };
}
