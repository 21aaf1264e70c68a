import { describe, expect, it } from 'vitest';
import { runExample } from '../examples/basic.ts';

describe('examples/basic.ts', () => {
  it('accepts the agreeing small tier and escalates the disagreeing one', async () => {
    const { clips, train } = await runExample();
    expect(clips).toMatchObject({ accepted: true, tier: 'small', value: 72, escalations: 0 });
    expect(clips.attempts[0]?.gates.at(-1)).toMatchObject({ name: 'self-consistency', status: 'pass', score: 0.8 });
    expect(train).toMatchObject({ accepted: true, tier: 'large', value: 205, escalations: 1 });
    expect(train.attempts[0]?.gates.at(-1)).toMatchObject({ status: 'fail', reason: 'low-agreement', score: 0.4 });
    expect(train.costUsd).toBeGreaterThan(train.attempts[1]?.costUsd ?? 0);
  });
});
