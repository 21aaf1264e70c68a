import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { LineTooLongError } from './line-too-long-error.ts';
import { countLines, DEFAULT_MAX_LINE_BYTES, type ReadLinesOptions, readLines, readLinesSync } from './read-lines.ts';
import { loadRecordings, readRecordings } from './read-recordings.ts';
import { replayProvider } from './replay-provider.ts';

async function collect(source: Readable | string, options?: ReadLinesOptions): Promise<[number, string][]> {
  const lines: [number, string][] = [];
  for await (const { lineNumber, text } of readLines(source, options)) lines.push([lineNumber, text]);
  return lines;
}

/** A stream of `head`, then `total` bytes of `fill` in 64 KB chunks, generated as it is read. */
function generated(head: string, total: number, fill = 0x00): Readable {
  return Readable.from(
    (function* () {
      yield Buffer.from(head);
      const chunk = Buffer.alloc(64 * 1024, fill);
      for (let sent = 0; sent < total; sent += chunk.length)
        yield chunk.subarray(0, Math.min(chunk.length, total - sent));
    })(),
  );
}

/** Rejects with what the iteration threw, or undefined when it finished; counts the lines it saw. */
async function failureOf(lines: AsyncIterable<unknown>): Promise<{ error: unknown; seen: number }> {
  let seen = 0;
  try {
    for await (const _ of lines) seen += 1;
  } catch (error) {
    return { error, seen };
  }
  return { error: undefined, seen };
}

describe('readLines', () => {
  it('numbers every line, blank ones included, and handles CRLF and a missing final newline', async () => {
    expect(await collect(Readable.from([Buffer.from('a\r\n\nb\nc')]))).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'b'],
      [4, 'c'],
    ]);
  });

  it('joins lines and multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('{"p":"héllo wörld"}\nzweite 🙂 Zeile\n');
    const chunks = Array.from(bytes, (byte) => Buffer.from([byte]));
    expect(await collect(Readable.from(chunks))).toEqual([
      [1, '{"p":"héllo wörld"}'],
      [2, 'zweite 🙂 Zeile'],
    ]);
  });

  it('reads a file and counts its non-blank lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-cascade-lines-'));
    try {
      const file = join(dir, 'x.jsonl');
      writeFileSync(file, 'one\n\n  \ntwo\nthree');
      expect((await collect(file)).map(([, text]) => text)).toEqual(['one', '', '  ', 'two', 'three']);
      expect(await countLines(file)).toBe(3);
      writeFileSync(file, '');
      expect(await countLines(file)).toBe(0);
      expect(await countLines('-')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads string and Uint8Array chunks too', async () => {
    expect(await collect(Readable.from(['a\nb', 'c\n']))).toEqual([
      [1, 'a'],
      [2, 'bc'],
    ]);
    expect(await collect(Readable.from([new Uint8Array([0x78, 0x0a, 0x79])]))).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });
});

describe('the line cap', () => {
  it('stops a stream with no line break at the default 64 MiB, naming the line', async () => {
    // Two good lines, then 64 MiB and one chunk of zero bytes with no newline, generated as read.
    const { error, seen } = await failureOf(readLines(generated('{"a":1}\n\n', DEFAULT_MAX_LINE_BYTES + 65_536)));
    expect(seen).toBe(2);
    expect(error).toBeInstanceOf(LineTooLongError);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ line: 3, source: 'stream', maxLineBytes: DEFAULT_MAX_LINE_BYTES });
    expect((error as Error).message).toBe(
      'stream line 3: the line is longer than 64 MiB (maxLineBytes); is this a JSONL file?',
    );
  });

  it('takes a line of exactly the cap and refuses one byte more, counting bytes not characters', async () => {
    expect(await collect(Readable.from([Buffer.from('abcd\nxy\r\n')]), { maxLineBytes: 4 })).toEqual([
      [1, 'abcd'],
      [2, 'xy'],
    ]);
    const { error } = await failureOf(readLines(Readable.from([Buffer.from('ok\nabcde\n')]), { maxLineBytes: 4 }));
    expect(error).toMatchObject({ name: 'LineTooLongError', line: 2 });
    // Three characters, six bytes.
    const accented = await failureOf(
      readLines(Readable.from([Buffer.from('\u00e9\u00e9\u00e9')]), { maxLineBytes: 5 }),
    );
    expect(accented.error).toMatchObject({ line: 1 });
  });

  it('rejects a bad cap when called', async () => {
    expect(() => readLinesSync('x', { maxLineBytes: 0 }).next()).toThrow(/maxLineBytes/);
    await expect(readLines('x', { maxLineBytes: 1.5 }).next()).rejects.toThrow(/maxLineBytes/);
  });

  describe.skipIf(!existsSync('/dev/zero'))('on a device that never ends', () => {
    it('stops the synchronous reader, the recording loaders and the replay provider', async () => {
      expect(() => [...readLinesSync('/dev/zero', { maxLineBytes: 1_000_000 })]).toThrow(LineTooLongError);
      expect(() => loadRecordings('/dev/zero', { maxLineBytes: 1_000_000 })).toThrow(
        '/dev/zero line 1: the line is longer than 1000000 bytes',
      );
      expect((await failureOf(readRecordings('/dev/zero', { maxLineBytes: 1_000_000 }))).error).toBeInstanceOf(
        LineTooLongError,
      );
      expect(() => replayProvider({ path: '/dev/zero', maxLineBytes: 65_536 })).toThrow(LineTooLongError);
      expect(() => replayProvider({ path: '/dev/zero', maxLineBytes: -1 })).toThrow(/maxLineBytes/);
    });

    it('stops loading /dev/zero at the default cap', () => {
      let error: unknown;
      try {
        loadRecordings('/dev/zero');
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ name: 'LineTooLongError', line: 1, maxLineBytes: DEFAULT_MAX_LINE_BYTES });
    });
  });
});
