import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonLines, readRequests } from './read-json-lines.ts';

const folder = mkdtempSync(join(tmpdir(), 'example-support-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('readJsonLines', () => {
  it('parses every non-blank line, in order', () => {
    const path = join(folder, 'lines.jsonl');
    writeFileSync(path, '{"id":"a","reference":1}\n\n  \n{"id":"b","reference":2}\n');
    expect(readJsonLines<{ id: string; reference: number }>(path)).toEqual([
      { id: 'a', reference: 1 },
      { id: 'b', reference: 2 },
    ]);
  });

  it('throws on a line that is not JSON instead of skipping it', () => {
    const path = join(folder, 'broken.jsonl');
    writeFileSync(path, '{"id":"a"}\n{"id":\n');
    expect(() => readJsonLines(path)).toThrow(SyntaxError);
  });
});

describe('readRequests', () => {
  it('reads requests.jsonl as the requests it holds', () => {
    const path = join(folder, 'requests.jsonl');
    writeFileSync(path, '{"id":"inv-001","prompt":"Invoice 1","temperature":0}\n');
    expect(readRequests(path)).toEqual([{ id: 'inv-001', prompt: 'Invoice 1', temperature: 0 }]);
  });
});
