import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { ConfigError } from '@llm-cascade/core';
import { LineTooLongError } from './line-too-long-error.ts';

/** One line of a text stream, without its line break. */
export interface NumberedLine {
  /** From 1, counting every line (blank ones too), so messages match an editor's line numbers. */
  readonly lineNumber: number;
  readonly text: string;
}

/** Where lines come from: a file path, `-` for standard input, or any readable byte stream. */
export type LineSource = string | NodeJS.ReadableStream;

/** Default cap on one line: 64 MiB of UTF-8, far above any real JSONL record. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Options of `readLines` and `readLinesSync`. */
export interface ReadLinesOptions {
  /**
   * A longer line (in bytes, line break excluded) throws `LineTooLongError` naming the line, before more
   * than this much of it is held in memory. Default `DEFAULT_MAX_LINE_BYTES` (64 MiB).
   */
  readonly maxLineBytes?: number;
}

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/** Checks `maxLineBytes` and returns it, or the default. */
export function maxLineBytesOf(options: ReadLinesOptions | undefined): number {
  const max = options?.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!(Number.isSafeInteger(max) && max >= 1)) {
    throw new ConfigError('maxLineBytes', `must be a whole number of bytes at least 1, got ${String(max)}`);
  }
  return max;
}

function sourceName(source: LineSource): string {
  if (typeof source !== 'string') return 'stream';
  return source === '-' ? 'standard input' : source;
}

function withoutCarriageReturn(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/**
 * Splits bytes into lines at `\n` (a byte that never occurs inside a multi-byte UTF-8 character, so a
 * character split across chunks is decoded whole), holding at most `maxLineBytes` of an unfinished line.
 */
class LineSplitter {
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private lineNumber = 0;
  private readonly maxLineBytes: number;
  private readonly source: string;

  constructor(maxLineBytes: number, source: string) {
    this.maxLineBytes = maxLineBytes;
    this.source = source;
  }

  /** The lines this chunk completes. Throws `LineTooLongError` as soon as the unfinished line passes the cap. */
  *push(chunk: Buffer): Generator<NumberedLine> {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      const stop = end === -1 ? chunk.length : end;
      const bytes = this.pendingBytes + (stop - start);
      if (bytes > this.maxLineBytes) {
        this.pieces = [];
        throw new LineTooLongError({ source: this.source, line: this.lineNumber + 1 }, this.maxLineBytes);
      }
      if (end === -1) {
        if (stop > start) this.pieces.push(chunk.subarray(start));
        this.pendingBytes = bytes;
        return;
      }
      const text =
        this.pieces.length === 0
          ? chunk.toString('utf8', start, end)
          : Buffer.concat([...this.pieces, chunk.subarray(start, end)]).toString('utf8');
      this.pieces = [];
      this.pendingBytes = 0;
      this.lineNumber += 1;
      yield { lineNumber: this.lineNumber, text: withoutCarriageReturn(text) };
      start = end + 1;
    }
  }

  /** The last line when the input did not end with a line break. */
  end(): NumberedLine | undefined {
    if (this.pendingBytes === 0) return undefined;
    const text = Buffer.concat(this.pieces).toString('utf8');
    this.pieces = [];
    this.pendingBytes = 0;
    this.lineNumber += 1;
    return { lineNumber: this.lineNumber, text: withoutCarriageReturn(text) };
  }
}

function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  const bytes = chunk as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function openSource(source: LineSource): NodeJS.ReadableStream {
  if (typeof source !== 'string') return source;
  return source === '-' ? process.stdin : createReadStream(source);
}

/**
 * Yields the lines of a file or stream one at a time. Only one chunk (64 KB) and the line being assembled
 * are held in memory, and the stream is read no faster than the caller consumes lines, so a batch of any
 * size streams through with bounded memory. A line longer than `maxLineBytes` (default 64 MiB) rejects the
 * iteration with `LineTooLongError` naming the line, so input without line breaks (`/dev/zero`) cannot
 * grow it without bound. `\r\n` and `\n` both end a line, and nothing else does (unlike node:readline,
 * which also breaks at U+2028 and U+2029, characters JSON strings may hold raw); a UTF-8 character split
 * across chunks is decoded whole.
 */
export async function* readLines(source: LineSource, options?: ReadLinesOptions): AsyncGenerator<NumberedLine> {
  const splitter = new LineSplitter(maxLineBytesOf(options), sourceName(source));
  const stream = openSource(source);
  try {
    for await (const chunk of stream) yield* splitter.push(asBuffer(chunk));
    const last = splitter.end();
    if (last !== undefined) yield last;
  } finally {
    // Stops reading when the caller breaks out early (an interrupted batch); stdin is left to the process.
    if (stream !== process.stdin && 'destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
  }
}

/**
 * `readLines` for a file read synchronously, in 64 KB reads: for loading a recording when a provider is
 * built. The same line rules and the same `maxLineBytes` cap apply, so reading a device or a file without
 * line breaks stops with `LineTooLongError` instead of filling memory.
 */
export function* readLinesSync(path: string, options?: ReadLinesOptions): Generator<NumberedLine> {
  const splitter = new LineSplitter(maxLineBytesOf(options), path);
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      // A copy: the splitter may keep part of the chunk while the buffer is reused for the next read.
      yield* splitter.push(Buffer.from(buffer.subarray(0, read)));
    }
    const last = splitter.end();
    if (last !== undefined) yield last;
  } finally {
    closeSync(fd);
  }
}

/**
 * Counts the non-blank lines of a file without holding it in memory, for a progress total. Returns
 * `undefined` for standard input or a stream, whose length is not known in advance.
 */
export async function countLines(source: LineSource): Promise<number | undefined> {
  if (typeof source !== 'string' || source === '-') return undefined;
  let count = 0;
  let blank = true;
  // Large reads: the count competes for I/O turns with the batch's own reading, and should win them.
  for await (const chunk of createReadStream(source, { highWaterMark: 1024 * 1024 })) {
    const bytes = chunk as Buffer;
    for (let i = 0; i < bytes.length; i += 1) {
      const byte = bytes[i] as number;
      if (byte === 0x0a) {
        if (!blank) count += 1;
        blank = true;
      } else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
        blank = false;
      }
    }
  }
  return blank ? count : count + 1;
}
