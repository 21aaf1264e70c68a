import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { readLines } from '@llm-cascade/provider-replay';

/** One parsed line of a JSONL file and its 1-based line number. */
export interface JsonLine<TValue> {
  readonly value: TValue;
  readonly line: number;
}

/** A line that is not JSON, named by file and line. */
export class JsonLineError extends Error {
  readonly path: string;
  readonly line: number;
  constructor(path: string, line: number, message: string, options?: { cause?: unknown }) {
    super(`${path} line ${line}: ${message}`, options);
    this.name = 'JsonLineError';
    this.path = path;
    this.line = line;
  }
}

/**
 * Streams a JSONL file one parsed line at a time, in bounded memory: a source file may be far larger than
 * what the importer keeps. Blank lines are skipped; a line that is not JSON throws `JsonLineError`.
 * `parse` replaces `JSON.parse` (to read number source texts, say).
 */
export async function* readJsonLines<TValue = unknown>(
  path: string,
  parse: (text: string) => unknown = JSON.parse,
): AsyncGenerator<JsonLine<TValue>, void, undefined> {
  for await (const { lineNumber: line, text: raw } of readLines(path)) {
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim().length === 0) continue;
    let value: unknown;
    try {
      value = parse(text);
    } catch (error) {
      throw new JsonLineError(path, line, `not JSON (${error instanceof Error ? error.message : String(error)})`, {
        cause: error,
      });
    }
    yield { value: value as TValue, line };
  }
}

const LINE_SEPARATORS = /[\u2028\u2029]/g;

/**
 * One value as a JSON line. U+2028 and U+2029 are escaped: JSON allows them raw, but line readers such as
 * Node's readline break lines at them, so a recording stays readable by any of them.
 */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value).replace(LINE_SEPARATORS, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

/** Appends JSON lines to a file (or stdout), waiting when the stream's buffer is full. */
export interface JsonLinesWriter {
  write(value: unknown): Promise<void>;
  /** Flushes and closes the file (stdout is left open). */
  close(): Promise<void>;
  readonly written: number;
}

/**
 * Opens `path` for writing JSON lines (truncating it; parent folders are created), or stdout for `-`.
 * Writes respect backpressure, so converting a large file keeps memory flat.
 */
export function openJsonLinesWriter(path: string): JsonLinesWriter {
  let stream: WriteStream | NodeJS.WriteStream;
  if (path === '-') stream = process.stdout;
  else {
    mkdirSync(dirname(path), { recursive: true });
    stream = createWriteStream(path, { encoding: 'utf8' });
  }
  let written = 0;
  let failure: unknown;
  stream.on('error', (error) => {
    failure ??= error;
  });
  return {
    get written() {
      return written;
    },
    async write(value) {
      if (failure !== undefined) throw failure;
      written += 1;
      if (!stream.write(`${toJsonLine(value)}\n`)) await once(stream, 'drain');
    },
    async close() {
      if (failure !== undefined) throw failure;
      if (stream === process.stdout) return;
      const file = stream as WriteStream;
      await new Promise<void>((settle, reject) => {
        file.end((error?: Error | null) => (error ? reject(error) : settle()));
      });
    },
  };
}
