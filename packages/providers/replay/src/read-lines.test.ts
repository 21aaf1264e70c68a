import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { countLines, readLines } from './read-lines.ts';

async function collect(source: Readable | string): Promise<[number, string][]> {
  const lines: [number, string][] = [];
  for await (const { lineNumber, text } of readLines(source)) lines.push([lineNumber, text]);
  return lines;
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
});
