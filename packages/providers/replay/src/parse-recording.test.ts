import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@llm-cascade/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording, stringifyRecording, validateRecording } from './parse-recording.ts';
import { loadRecordings, readRecordings } from './read-recordings.ts';
import type { RecordedRequest } from './recording.ts';
import { RecordingFormatError } from './recording-format-error.ts';

const valid: RecordedRequest = {
  id: 'q1',
  request: { system: 'Answer briefly.', prompt: 'Capital of France?' },
  reference: 'Paris',
  tiers: {
    'gpt-4o-mini': {
      candidates: [
        {
          text: 'Paris',
          correct: true,
          logprobs: [{ token: 'Paris', logprob: -0.01, topLogprobs: [{ token: 'Paris', logprob: -0.01 }] }],
        },
      ],
      usage: { inputTokens: 20, outputTokens: 1 },
    },
  },
};

const dir = mkdtempSync(join(tmpdir(), 'replay-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(run: () => unknown): RecordingFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof RecordingFormatError) return error;
    throw error;
  }
  throw new Error('expected a RecordingFormatError');
}

describe('parseRecording', () => {
  it('parses a valid line and keeps extra fields', () => {
    const line = JSON.stringify({ ...valid, source: 'hand-written' });
    const record = parseRecording(line);
    expect(record.id).toBe('q1');
    expect(record.tiers['gpt-4o-mini']?.candidates[0]?.text).toBe('Paris');
    expect((record as unknown as { source: string }).source).toBe('hand-written');
  });

  it('round-trips through stringifyRecording as one line', () => {
    const line = stringifyRecording(valid);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(parseRecording(line)).toEqual(valid);
  });

  it.each([
    ['{not json', '', 'is not valid JSON'],
    ['[]', '', 'must be a JSON object'],
    [JSON.stringify({ ...valid, id: '' }), 'id', 'non-empty string'],
    [JSON.stringify({ ...valid, request: { system: 'only a system prompt' } }), 'request', 'at least one user message'],
    [
      JSON.stringify({ ...valid, request: { messages: [{ role: 'tool', content: 'x' }] } }),
      'request.messages[0].role',
      "'system', 'user' or 'assistant'",
    ],
    [JSON.stringify({ ...valid, tiers: {} }), 'tiers', 'at least one model'],
    [
      JSON.stringify({ ...valid, tiers: { m: { candidates: [], usage: { inputTokens: 1, outputTokens: 1 } } } }),
      'tiers.m.candidates',
      'non-empty array',
    ],
    [
      JSON.stringify({
        ...valid,
        tiers: { 'gpt-4o': { candidates: [{ text: 1 }], usage: { inputTokens: 1, outputTokens: 1 } } },
      }),
      'tiers["gpt-4o"].candidates[0].text',
      'must be a string',
    ],
    [
      JSON.stringify({
        ...valid,
        tiers: {
          m: {
            candidates: [{ text: 'a', logprobs: [{ token: 'a', logprob: 0.5 }] }],
            usage: { inputTokens: 1, outputTokens: 1 },
          },
        },
      }),
      'tiers.m.candidates[0].logprobs[0].logprob',
      'at most 0',
    ],
    [
      JSON.stringify({
        ...valid,
        tiers: { m: { candidates: [{ text: 'a', finishReason: 'done' }], usage: { inputTokens: 1, outputTokens: 1 } } },
      }),
      'tiers.m.candidates[0].finishReason',
      'must be one of',
    ],
    [
      JSON.stringify({
        ...valid,
        tiers: { m: { candidates: [{ text: 'a' }], usage: { inputTokens: 1.5, outputTokens: 1 } } },
      }),
      'tiers.m.usage.inputTokens',
      'whole number',
    ],
    [JSON.stringify({ ...valid, tiers: { m: { candidates: [{ text: 'a' }] } } }), 'tiers.m.usage', 'must be an object'],
  ])('rejects %s at %s', (line, path, message) => {
    const error = errorOf(() => parseRecording(line, { source: 'data.jsonl', line: 7 }));
    expect(error.path).toBe(path);
    expect(error.line).toBe(7);
    expect(error.source).toBe('data.jsonl');
    expect(error.message).toContain('data.jsonl line 7');
    expect(error.message).toContain(message);
    expect(ConfigError.isInstance(error)).toBe(true);
  });

  it('names an array index for in-memory records', () => {
    const error = errorOf(() => validateRecording({ id: 'x' }, { line: 3 }));
    expect(error.message).toMatch(/^records\[3\]: request: must be an object/);
  });
});

describe('readRecordings and loadRecordings', () => {
  const lines = [
    JSON.stringify(valid),
    '',
    JSON.stringify({ ...valid, id: 'q2' }),
    '   ',
    JSON.stringify({ ...valid, id: 'q3' }),
  ];

  it('stream a file line by line, skipping blank lines, with line numbers', async () => {
    const path = join(dir, 'ok.jsonl');
    writeFileSync(path, `\uFEFF${lines.join('\r\n')}\n`);
    const seen: [string, number][] = [];
    for await (const { record, line } of readRecordings(path)) seen.push([record.id, line]);
    expect(seen).toEqual([
      ['q1', 1],
      ['q2', 3],
      ['q3', 5],
    ]);
    expect(loadRecordings(path).map(({ record, line }) => [record.id, line])).toEqual(seen);
  });

  it('keep a raw U+2028 or U+2029 inside a string as part of its line', async () => {
    const path = join(dir, 'separators.jsonl');
    const answer = 'line one\u2028line two\u2029end';
    const record = {
      ...valid,
      tiers: { 'gpt-4o-mini': { candidates: [{ text: answer }], usage: { inputTokens: 1, outputTokens: 1 } } },
    };
    // JSON.stringify leaves both characters raw, as real datasets have them.
    writeFileSync(path, `${JSON.stringify(record)}\n${JSON.stringify({ ...record, id: 'q2' })}\n`);
    const streamed: string[] = [];
    for await (const { record: read } of readRecordings(path))
      streamed.push(read.tiers['gpt-4o-mini']?.candidates[0]?.text ?? '');
    expect(streamed).toEqual([answer, answer]);
    expect(loadRecordings(path).map(({ line }) => line)).toEqual([1, 2]);
  });

  it('report the line number of a malformed line', async () => {
    const path = join(dir, 'bad.jsonl');
    const broken = JSON.stringify({
      ...valid,
      id: 'q4',
      tiers: { m: { candidates: [{ text: 'a' }], usage: { inputTokens: -1, outputTokens: 0 } } },
    });
    writeFileSync(path, [...lines, broken, JSON.stringify(valid)].join('\n'));
    const read = async () => {
      const ids: string[] = [];
      for await (const { record } of readRecordings(path)) ids.push(record.id);
      return ids;
    };
    const streamed = await read().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(streamed).toBeInstanceOf(RecordingFormatError);
    expect((streamed as RecordingFormatError).line).toBe(6);
    expect((streamed as RecordingFormatError).message).toContain(`${path} line 6: tiers.m.usage.inputTokens`);
    const loaded = errorOf(() => loadRecordings(path));
    expect(loaded.line).toBe(6);
    expect(loaded.path).toBe('tiers.m.usage.inputTokens');
  });

  it('report a line that is not JSON', () => {
    const path = join(dir, 'garbage.jsonl');
    writeFileSync(path, `${JSON.stringify(valid)}\n{"id": "q2", "request": \n`);
    const error = errorOf(() => loadRecordings(path));
    expect(error.line).toBe(2);
    expect(error.message).toContain('is not valid JSON');
  });

  it('stops reading when the loop breaks early', async () => {
    const path = join(dir, 'early.jsonl');
    writeFileSync(path, `${lines.join('\n')}\nnot json at all\n`);
    let first: string | undefined;
    for await (const { record } of readRecordings(path)) {
      first = record.id;
      break;
    }
    expect(first).toBe('q1');
  });
});
