import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@llm-cascade/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOutputState } from './output-state.ts';

let dir: string;
let output: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cascade-output-state-'));
  output = join(dir, 'out.jsonl');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const record = (id: string, ok = true) => JSON.stringify({ id, ok, accepted: ok, attempts: [] });

async function refusal(content: string): Promise<ConfigError> {
  writeFileSync(output, content);
  const error = await readOutputState(output).catch((caught: unknown) => caught);
  expect(ConfigError.isInstance(error)).toBe(true);
  // Nothing was changed: not a byte cut, not a newline added.
  expect(readFileSync(output, 'utf8')).toBe(content);
  return error as ConfigError;
}

describe('readOutputState', () => {
  it('refuses a file that is not a results file, whatever its last line, and leaves it alone', async () => {
    const readme = await refusal('# Notes\n\nSome text.\nA last line without a newline');
    expect(readme.field).toBe('output');
    expect(readme.message).toBe(
      `output: ${output} is not a results file of llm-cascade run (line 1 is not a result); nothing was changed. Give a new file, or one an earlier run wrote`,
    );
    await refusal('one line of prose, no newline');
    // JSON lines, but requests rather than results.
    await refusal('{"id":"a","prompt":"x"}\n{"id":"b","prompt":"y"}');
    await refusal('[1, 2, 3]\n');
  });

  it('refuses a results file whose unfinished last line is not one of its records', async () => {
    const error = await refusal(`${record('a')}\n${record('b')}\nappended by hand`);
    expect(error.message).toMatch(/its unfinished last line 3 is not a result/);
  });

  it('cuts a torn record, however short, and redoes its item', async () => {
    for (const torn of ['{"id":"b","ok":tr', '{"id', '{']) {
      writeFileSync(output, `${record('a')}\n${torn}`);
      const state = await readOutputState(output);
      expect(readFileSync(output, 'utf8')).toBe(`${record('a')}\n`);
      expect(state).toMatchObject({ ok: 1, truncatedBytes: Buffer.byteLength(torn), unreadableLines: [] });
      expect([...state.ids]).toEqual(['a']);
    }
    // A file that holds only a torn record.
    writeFileSync(output, '{"id":"z","ok":fa');
    expect((await readOutputState(output)).truncatedBytes).toBe(17);
    expect(readFileSync(output, 'utf8')).toBe('');
  });

  it('finishes a whole last record that lacks only its newline', async () => {
    writeFileSync(output, `${record('a')}\n${record('b', false)}`);
    const state = await readOutputState(output);
    expect(readFileSync(output, 'utf8')).toBe(`${record('a')}\n${record('b', false)}\n`);
    expect(state).toMatchObject({ ok: 1, failed: 1, truncatedBytes: 0 });
  });

  it('reports, and keeps, lines after the first that are not records', async () => {
    writeFileSync(output, `${record('a')}\nnot a record\n\n${record('b')}\n`);
    const state = await readOutputState(output);
    expect(state).toMatchObject({ ok: 2, unreadableLines: [2] });
  });

  it('stops at a line over the line cap, naming it', async () => {
    writeFileSync(output, `${record('a')}\n${'x'.repeat(100)}\n`);
    await expect(readOutputState(output, { maxLineBytes: 64 })).rejects.toThrow(
      `${output} line 2: the line is longer than 64 bytes`,
    );
  });
});
