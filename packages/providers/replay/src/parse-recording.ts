import type { RecordedRequest } from './recording.ts';
import { RecordingFormatError } from './recording-format-error.ts';

/** Where a record came from, for error messages: a file and line, or `records` and an index. */
export interface RecordingLocation {
  /** A file path, or `records` for an in-memory array. Default `records` (validate) or `recording` (parse). */
  readonly source?: string;
  /** 1-based line number in a file, or the index in an array. Default 0 (validate) or 1 (parse). */
  readonly line?: number;
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant']);
const FINISH_REASONS: ReadonlySet<string> = new Set([
  'stop',
  'length',
  'content_filter',
  'tool_calls',
  'refusal',
  'other',
]);

type Fail = (path: string, message: string) => never;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** JSON-path segment for a key: `.name` when it is a plain identifier, `["some-model"]` otherwise. */
function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

function optionalString(value: Record<string, unknown>, name: string, path: string, fail: Fail): void {
  if (value[name] !== undefined && typeof value[name] !== 'string') {
    fail(`${path}${key(name)}`, `must be a string, got ${describe(value[name])}`);
  }
}

function count(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(path, `must be a whole number at least 0, got ${describe(value)}`);
  }
  return value;
}

function checkLogprob(value: unknown, path: string, fail: Fail, allowTop: boolean): void {
  if (!isObject(value)) fail(path, `must be an object { token, logprob }, got ${describe(value)}`);
  if (typeof value.token !== 'string') fail(`${path}.token`, `must be a string, got ${describe(value.token)}`);
  const logprob = value.logprob;
  if (typeof logprob !== 'number' || !Number.isFinite(logprob) || logprob > 0) {
    fail(`${path}.logprob`, `must be a finite number at most 0, got ${describe(logprob)}`);
  }
  if (!allowTop || value.topLogprobs === undefined) return;
  if (!Array.isArray(value.topLogprobs))
    fail(`${path}.topLogprobs`, `must be an array, got ${describe(value.topLogprobs)}`);
  value.topLogprobs.forEach((top, i) => {
    checkLogprob(top, `${path}.topLogprobs[${i}]`, fail, false);
  });
}

function checkCandidate(value: unknown, path: string, fail: Fail): void {
  if (!isObject(value)) fail(path, `must be an object with a text, got ${describe(value)}`);
  if (typeof value.text !== 'string') fail(`${path}.text`, `must be a string, got ${describe(value.text)}`);
  if (value.logprobs !== undefined) {
    if (!Array.isArray(value.logprobs)) fail(`${path}.logprobs`, `must be an array, got ${describe(value.logprobs)}`);
    value.logprobs.forEach((entry, i) => {
      checkLogprob(entry, `${path}.logprobs[${i}]`, fail, true);
    });
  }
  if (value.correct !== undefined && typeof value.correct !== 'boolean') {
    fail(`${path}.correct`, `must be a boolean, got ${describe(value.correct)}`);
  }
  if (value.finishReason !== undefined && !FINISH_REASONS.has(value.finishReason as string)) {
    fail(
      `${path}.finishReason`,
      `must be one of ${[...FINISH_REASONS].join(', ')}, got ${describe(value.finishReason)}`,
    );
  }
  optionalString(value, 'refusal', path, fail);
}

function checkTier(value: unknown, path: string, fail: Fail): void {
  if (!isObject(value)) fail(path, `must be an object { candidates, usage }, got ${describe(value)}`);
  if (!Array.isArray(value.candidates) || value.candidates.length === 0) {
    fail(`${path}.candidates`, `must be a non-empty array, got ${describe(value.candidates)}`);
  }
  value.candidates.forEach((candidate, i) => {
    checkCandidate(candidate, `${path}.candidates[${i}]`, fail);
  });
  const usage = value.usage;
  if (!isObject(usage))
    fail(`${path}.usage`, `must be an object { inputTokens, outputTokens }, got ${describe(usage)}`);
  const input = count(usage.inputTokens, `${path}.usage.inputTokens`, fail);
  count(usage.outputTokens, `${path}.usage.outputTokens`, fail);
  let cacheTokens = 0;
  for (const name of ['cachedInputTokens', 'cacheWriteInputTokens'] as const) {
    if (usage[name] !== undefined) cacheTokens += count(usage[name], `${path}.usage.${name}`, fail);
  }
  if (cacheTokens > input)
    fail(`${path}.usage`, `cached and cache-write input tokens (${cacheTokens}) exceed inputTokens (${input})`);
  if (value.latencyMs !== undefined) {
    const latency = value.latencyMs;
    if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0) {
      fail(`${path}.latencyMs`, `must be a finite number at least 0, got ${describe(latency)}`);
    }
  }
}

function checkRequest(value: unknown, fail: Fail): void {
  if (!isObject(value)) fail('request', `must be an object, got ${describe(value)}`);
  optionalString(value, 'id', 'request', fail);
  optionalString(value, 'prompt', 'request', fail);
  optionalString(value, 'system', 'request', fail);
  let conversational = typeof value.prompt === 'string';
  if (value.messages !== undefined) {
    if (!Array.isArray(value.messages)) fail('request.messages', `must be an array, got ${describe(value.messages)}`);
    value.messages.forEach((message, i) => {
      const path = `request.messages[${i}]`;
      if (!isObject(message)) fail(path, `must be an object { role, content }, got ${describe(message)}`);
      if (!ROLES.has(message.role as string)) {
        fail(`${path}.role`, `must be 'system', 'user' or 'assistant', got ${describe(message.role)}`);
      }
      if (typeof message.content !== 'string')
        fail(`${path}.content`, `must be a string, got ${describe(message.content)}`);
      if (message.role !== 'system') conversational = true;
    });
  }
  if (!conversational) fail('request', 'needs `messages` or `prompt` with at least one user message');
  const format = value.responseFormat;
  if (format !== undefined) {
    if (!isObject(format) || format.type !== 'json_schema') {
      fail('request.responseFormat', `must be { type: 'json_schema', schema }, got ${describe(format)}`);
    }
    if (!isObject(format.schema) && typeof format.schema !== 'boolean') {
      fail(
        'request.responseFormat.schema',
        `must be a JSON Schema (object or boolean), got ${describe(format.schema)}`,
      );
    }
  }
  for (const name of ['maxOutputTokens', 'temperature'] as const) {
    const number = value[name];
    if (number !== undefined && (typeof number !== 'number' || !Number.isFinite(number) || number < 0)) {
      fail(`request.${name}`, `must be a finite number at least 0, got ${describe(number)}`);
    }
  }
  if (value.metadata !== undefined) {
    if (!isObject(value.metadata)) fail('request.metadata', `must be an object, got ${describe(value.metadata)}`);
    for (const [name, entry] of Object.entries(value.metadata)) {
      if (!['string', 'number', 'boolean'].includes(typeof entry)) {
        fail(`request.metadata${key(name)}`, `must be a string, number or boolean, got ${describe(entry)}`);
      }
    }
  }
}

/**
 * Checks that a value follows the recording format and returns it typed. Throws `RecordingFormatError`
 * naming the location and the JSON path of the first problem. Unknown extra fields are kept, so datasets
 * may carry more than replay needs.
 */
export function validateRecording(value: unknown, location: RecordingLocation = {}): RecordedRequest {
  const where = { source: location.source ?? 'records', line: location.line ?? 0 };
  const fail: Fail = (path, message) => {
    throw new RecordingFormatError({ ...where, path }, message);
  };
  if (!isObject(value)) fail('', `must be a JSON object { id, request, tiers }, got ${describe(value)}`);
  if (typeof value.id !== 'string' || value.id.length === 0)
    fail('id', `must be a non-empty string, got ${describe(value.id)}`);
  checkRequest(value.request, fail);
  if (!isObject(value.tiers) || Object.keys(value.tiers).length === 0) {
    fail('tiers', `must be an object naming at least one model, got ${describe(value.tiers)}`);
  }
  for (const [model, tier] of Object.entries(value.tiers)) checkTier(tier, `tiers${key(model)}`, fail);
  return value as unknown as RecordedRequest;
}

/**
 * Parses one JSONL line of a recording. Throws `RecordingFormatError` with the line number (from
 * `location`) when the line is not JSON or not a valid record. A blank line is an error here; the file
 * readers skip blank lines before calling this.
 */
export function parseRecording(line: string, location: RecordingLocation = {}): RecordedRequest {
  const where = { source: location.source ?? 'recording', line: location.line ?? 1 };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RecordingFormatError({ ...where, path: '' }, `is not valid JSON (${reason})`, { cause: error });
  }
  return validateRecording(value, where);
}

/** Serialises a record as one JSONL line, newline included. The recorder writes lines with it. */
export function stringifyRecording(record: RecordedRequest): string {
  return `${JSON.stringify(record)}\n`;
}
