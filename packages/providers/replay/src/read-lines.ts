import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** One line of a text stream, without its line break. */
export interface NumberedLine {
  /** From 1, counting every line (blank ones too), so messages match an editor's line numbers. */
  readonly lineNumber: number;
  readonly text: string;
}

/** Where lines come from: a file path, `-` for standard input, or any readable byte stream. */
export type LineSource = string | NodeJS.ReadableStream;

function openSource(source: LineSource): NodeJS.ReadableStream {
  if (typeof source !== 'string') return source;
  return source === '-' ? process.stdin : createReadStream(source);
}

/**
 * Yields the lines of a file or stream one at a time. Only one chunk (64 KB) and the line being assembled
 * are held in memory, and the stream is read no faster than the caller consumes lines, so a batch of any
 * size streams through with bounded memory. `\r\n` and `\n` both end a line, and nothing else does (unlike
 * node:readline, which also breaks at U+2028 and U+2029, characters JSON strings may hold raw); a UTF-8
 * character split across chunks is decoded whole.
 */
export async function* readLines(source: LineSource): AsyncGenerator<NumberedLine> {
  const stream = openSource(source);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNumber = 0;
  try {
    for await (const chunk of stream) {
      // The carried-over part holds no line break, so the search starts where the new chunk does.
      const searchFrom = pending.length;
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
      let start = 0;
      for (let end = pending.indexOf('\n', searchFrom); end !== -1; end = pending.indexOf('\n', start)) {
        lineNumber += 1;
        const text = pending.slice(start, end);
        start = end + 1;
        yield { lineNumber, text: text.endsWith('\r') ? text.slice(0, -1) : text };
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    if (pending.length > 0) {
      lineNumber += 1;
      yield { lineNumber, text: pending.endsWith('\r') ? pending.slice(0, -1) : pending };
    }
  } finally {
    // Stops reading when the caller breaks out early (an interrupted batch); stdin is left to the process.
    if (stream !== process.stdin && 'destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
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
