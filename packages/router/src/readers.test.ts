import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDecisionLog } from './read-decision-log.ts';
import { readEvalData } from './read-eval-data.ts';

const TIERS = ['mini', 'mid', 'big'];

function evalRecord(id: string, marks: Record<string, boolean | undefined>) {
  return {
    id,
    request: { prompt: `question ${id}` },
    tiers: Object.fromEntries(
      Object.entries(marks).map(([model, correct]) => [
        model,
        {
          candidates: [{ text: 'a', ...(correct === undefined ? {} : { correct }) }],
          usage: { inputTokens: 1000, outputTokens: 100 },
        },
      ]),
    ),
  };
}

describe('readEvalData', () => {
  const records = [
    evalRecord('both-right', { mini: true, mid: true, big: true }),
    evalRecord('small-wrong', { mini: false, mid: true, big: true }),
    evalRecord('both-wrong', { mini: false, mid: false, big: false }),
    evalRecord('small-better', { mini: true, mid: false, big: false }),
    evalRecord('no-mid', { mini: true, big: true }),
  ];

  it('labels a tier positive when it scored as well as the reference (the seeds rule)', async () => {
    const { examples } = await readEvalData({ data: records, tiers: TIERS });
    expect(examples.map((e) => [e.id, e.labels])).toEqual([
      ['both-right', [true, true, true]],
      ['small-wrong', [false, true, true]],
      ['both-wrong', [true, true, true]], // the reference is as good as itself
      ['small-better', [true, true, true]],
      ['no-mid', [true, undefined, true]],
    ]);
  });

  it("labels by the tier's own correctness with the 'correct' rule", async () => {
    const { examples } = await readEvalData({ data: records, tiers: TIERS, label: 'correct' });
    expect(examples[2]?.labels).toEqual([false, false, false]);
  });

  it('costs each tier from its usage and the prices', async () => {
    const prices = { mini: { inputPerMTok: 1, outputPerMTok: 2 }, mid: { inputPerMTok: 10, outputPerMTok: 20 } };
    const { examples } = await readEvalData({ data: records, tiers: TIERS, prices });
    expect(examples[0]?.costUsd).toEqual([0.0012, 0.012, undefined]);
  });

  it('reads JSONL files and reports skipped lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-readers-'));
    const path = join(dir, 'data.jsonl');
    writeFileSync(
      path,
      `${JSON.stringify(records[0])}\n\n{"id":"x"}\n${JSON.stringify(evalRecord('none', { mini: undefined }))}\n`,
    );
    const result = await readEvalData({ data: path, tiers: TIERS });
    expect(result.examples.map((e) => e.id)).toEqual(['both-right']);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^not an eval record .*: 1 \(first: .*line 3\)/),
      expect.stringMatching(/^no tier of the ladder has a correct mark, skipped: 1/),
    ]);
    await expect(readEvalData({ data: path, tiers: ['mini', 'nope'] })).rejects.toThrow(/nope never appear/);
  });
});

describe('readDecisionLog', () => {
  const attempt = (tier: string, outcome: string, costUsd = 0.001) => ({ tier, outcome, costUsd });
  const requests = new Map([
    ['a', { prompt: 'first' }],
    ['b', { prompt: 'second' }],
    ['c', { prompt: 'third' }],
    ['d', { prompt: 'fourth' }],
  ]);
  const log = [
    { id: 'a', ok: true, accepted: true, tier: 'mini', attempts: [attempt('mini', 'accepted')] },
    {
      id: 'b',
      ok: true,
      accepted: true,
      tier: 'mid',
      attempts: [attempt('mini', 'repaired'), attempt('mini', 'gate-failed'), attempt('mid', 'accepted', 0.01)],
    },
    { id: 'c', ok: false, error: { code: 'CASCADE_EXHAUSTED' }, attempts: [attempt('mini', 'provider-error')] },
    {
      id: 'd',
      ok: true,
      accepted: true,
      tier: 'mini',
      attempts: [attempt('mini', 'accepted')],
      audit: { tier: 'big', agreement: false },
    },
    { id: 'e', ok: true, accepted: true, tier: 'mini', attempts: [attempt('mini', 'accepted')] },
    {
      id: 'f',
      ok: true,
      accepted: true,
      tier: 'mini',
      request: { prompt: 'inline' },
      attempts: [attempt('mini', 'accepted')],
      audit: [{ tier: 'mid', agreement: 0.9 }],
    },
  ];

  it('labels gates passed and failed, leaves unreached tiers unknown, and reads audits', async () => {
    const result = await readDecisionLog({ data: log, tiers: TIERS, requests });
    expect(result.examples.map((e) => [e.id, e.labels])).toEqual([
      ['a', [true, undefined, undefined]],
      ['b', [false, true, undefined]],
      ['d', [false, undefined, true]],
      ['f', [true, true, undefined]],
    ]);
    expect(result.examples[1]?.costUsd).toEqual([0.002, 0.01, undefined]);
    expect(result.examples[3]?.request.prompt).toBe('inline');
    expect(result.warnings).toEqual([
      expect.stringMatching(/^no attempt on a tier of the ladder with a quality outcome, skipped: 1 .*\(c\)/),
      expect.stringMatching(/^no request for the id .*: 1 .*\(e\)/),
    ]);
  });

  it('joins the run input file by id, naming lines without one as the run does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-readers-'));
    const input = join(dir, 'input.jsonl');
    writeFileSync(input, `${JSON.stringify({ id: 'a', prompt: 'first' })}\n${JSON.stringify({ prompt: 'no id' })}\n`);
    const result = await readDecisionLog({
      data: [{ id: 'line-2', ok: true, accepted: true, tier: 'mini', attempts: [attempt('mini', 'accepted')] }],
      tiers: TIERS,
      requests: input,
    });
    expect(result.examples[0]?.request).toEqual({ prompt: 'no id', id: 'line-2' });
  });
});
