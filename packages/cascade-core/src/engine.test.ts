import { describe, expect, it } from 'vitest';
import type { GateResult } from './contracts.ts';
import { CascadeExhaustedError, NoTierAvailableError } from './errors.ts';
import { createCascade } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 2 };
const ok: GateResult = { status: 'pass', reason: 'ok' };

/** Passes only answers equal to `good`; fails with feedback so repairs can happen. */
function answerGate(good = 'good', feedback: string | null = 'say good') {
  return scriptedGate({
    name: 'answer',
    results: (context) =>
      context.candidate.text === good
        ? { ...ok, value: { answer: good } }
        : { status: 'fail', reason: 'wrong', ...(feedback === null ? {} : { feedback }) },
  });
}

function ladder(script: Record<string, string[]>, extra: { repairs?: number } = {}) {
  const provider = scriptedProvider({
    script: Object.fromEntries(
      Object.entries(script).map(([model, texts]) => [model, texts.map((text) => ({ text }))]),
    ),
  });
  const tiers = Object.keys(script).map((model) => ({
    name: `tier-${model}`,
    provider,
    model,
    price,
    repairs: extra.repairs ?? 0,
  }));
  return { provider, tiers };
}

describe('escalation', () => {
  it('escalates through three tiers and returns the first answer that passes', async () => {
    const { tiers, provider } = ladder({ s: ['bad'], m: ['worse'], l: ['good'] });
    const events: CascadeEvent['type'][] = [];
    const cascade = createCascade({ tiers, gates: [answerGate()], onEvent: (e) => events.push(e.type) });
    const result = await cascade.run({ prompt: 'hi', id: 'r1' });
    expect(result.accepted).toBe(true);
    expect(result.tier).toBe('tier-l');
    expect(result.value).toEqual({ answer: 'good' });
    expect(result.text).toBe('good');
    expect(result.attempts.map((a) => [a.tier, a.kind, a.outcome, a.failedGate])).toEqual([
      ['tier-s', 'first', 'gate-failed', 'answer'],
      ['tier-m', 'escalation', 'gate-failed', 'answer'],
      ['tier-l', 'escalation', 'accepted', undefined],
    ]);
    expect(result.escalations).toBe(2);
    expect(provider.calls.map((c) => c.request.model)).toEqual(['s', 'm', 'l']);
    expect(provider.calls.every((c) => c.request.requestId === 'r1')).toBe(true);
    expect(events.filter((t) => t === 'escalation')).toHaveLength(2);
    expect(events[0]).toBe('run-start');
    expect(events.at(-1)).toBe('run-end');
  });

  it('repairs on the same tier with the feedback appended, then passes', async () => {
    const { tiers, provider } = ladder({ s: ['bad', 'good'], l: ['good'] }, { repairs: 1 });
    const cascade = createCascade({ tiers, gates: [answerGate('good', 'Answer with the word good.')] });
    const result = await cascade.run({ system: 'be brief', prompt: 'hi' });
    expect(result.tier).toBe('tier-s');
    expect(result.repairs).toBe(1);
    expect(result.attempts.map((a) => [a.kind, a.outcome])).toEqual([
      ['first', 'repaired'],
      ['repair', 'accepted'],
    ]);
    const repairMessages = provider.calls[1]?.request.messages ?? [];
    expect(repairMessages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(repairMessages[2]?.content).toBe('bad');
    expect(repairMessages[3]?.content).toContain('Answer with the word good.');
  });

  it('escalates when repairs run out, starting the next tier from the original messages', async () => {
    const { tiers, provider } = ladder({ s: ['bad', 'still bad'], l: ['good'] }, { repairs: 1 });
    const cascade = createCascade({ tiers, gates: [answerGate()] });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts.map((a) => a.outcome)).toEqual(['repaired', 'gate-failed', 'accepted']);
    expect(provider.calls[2]?.request.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('escalates at once when the failed gate gives no feedback, whatever the repairs left', async () => {
    const { tiers } = ladder({ s: ['bad'], l: ['good'] }, { repairs: 3 });
    const cascade = createCascade({ tiers, gates: [answerGate('good', null)] });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts.map((a) => a.outcome)).toEqual(['gate-failed', 'accepted']);
  });

  it('uses a custom repair prompt', async () => {
    const { tiers, provider } = ladder({ s: ['bad', 'good'] }, { repairs: 1 });
    const cascade = createCascade({
      tiers,
      gates: [answerGate('good', 'FEEDBACK')],
      repairPrompt: (feedback, gate) => `fix ${gate}: ${feedback}`,
    });
    await cascade.run({ prompt: 'hi' });
    expect(provider.calls[1]?.request.messages.at(-1)?.content).toBe('fix answer: FEEDBACK');
  });

  it('records a throwing gate as failed with reason gate-error and escalates', async () => {
    const { tiers } = ladder({ s: ['good'], l: ['good'] }, { repairs: 2 });
    const thrower = scriptedGate({
      name: 'thrower',
      results: (context) => {
        if (context.tier.index === 0) throw new Error('boom');
        return ok;
      },
    });
    const cascade = createCascade({ tiers, gates: [thrower] });
    const result = await cascade.run({ prompt: 'hi' });
    const gate = result.attempts[0]?.gates.find((g) => g.name === 'thrower');
    expect(gate).toMatchObject({ status: 'fail', reason: 'gate-error', details: { error: 'boom' } });
    expect(result.attempts[0]?.outcome).toBe('gate-failed');
    expect(result.tier).toBe('tier-l');
  });

  it('treats a gate returning nonsense as a gate error', async () => {
    const { tiers } = ladder({ s: ['x'] });
    const bad = scriptedGate({ name: 'bad', results: () => ({ status: 'maybe' }) as unknown as GateResult });
    const cascade = createCascade({ tiers, gates: [bad] });
    const error = await cascade.run({ prompt: 'hi' }).catch((e: unknown) => e);
    expect(CascadeExhaustedError.isInstance(error)).toBe(true);
    expect((error as CascadeExhaustedError).attempts[0]?.gates.at(-1)?.reason).toBe('gate-error');
  });

  it('stops at the first failing gate and runs gates in order', async () => {
    const { tiers } = ladder({ s: ['x'] });
    const first = scriptedGate({ name: 'first', results: [{ status: 'fail', reason: 'nope' }] });
    const second = scriptedGate({ name: 'second', results: [ok] });
    const cascade = createCascade({ tiers, gates: [first, second], onExhausted: 'best' });
    const result = await cascade.run({ prompt: 'hi' });
    expect(second.contexts).toHaveLength(0);
    expect(result.attempts[0]?.gates.map((g) => g.name)).toEqual([
      'min-output-tokens',
      'non-empty',
      'finish-reason',
      'refusal',
      'first',
    ]);
  });

  it('carries a gate value and selected candidate forward to later gates and the result', async () => {
    const provider = scriptedProvider({ script: [{ candidates: ['a', 'b', 'b'] }] });
    const picker = scriptedGate({
      name: 'picker',
      requires: { samples: 3 },
      results: () => ({ status: 'pass', reason: 'ok', value: 'B!', candidateIndex: 1 }),
    });
    const after = scriptedGate({ name: 'after', results: [ok] });
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm', price }], gates: [picker, after] });
    const result = await cascade.run({ prompt: 'hi' });
    expect(after.contexts[0]?.value).toBe('B!');
    expect(after.contexts[0]?.candidate.text).toBe('b');
    expect(result.value).toBe('B!');
    expect(result.text).toBe('b');
    expect(result.attempts[0]?.selectedCandidate).toBe(1);
  });

  it('uses tier gates in place of the cascade gates', async () => {
    const { tiers: base } = ladder({ s: ['bad'], l: ['bad'] });
    const strict = answerGate();
    const lenient = scriptedGate({ name: 'lenient', results: [ok] });
    const tiers = [base[0]!, { ...base[1]!, gates: [lenient] }];
    const cascade = createCascade({ tiers, gates: [strict] });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.tier).toBe('tier-l');
    expect(strict.contexts).toHaveLength(1);
  });

  it('throws CascadeExhaustedError holding every attempt and every candidate', async () => {
    const { tiers } = ladder({ s: ['one'], m: ['two'], l: ['three'] });
    const events: CascadeEvent[] = [];
    const cascade = createCascade({ tiers, gates: [answerGate()], onEvent: (e) => events.push(e) });
    const error = await cascade.run({ prompt: 'hi' }).catch((e: unknown) => e);
    expect(CascadeExhaustedError.isInstance(error)).toBe(true);
    const attempts = (error as CascadeExhaustedError).attempts;
    expect(attempts.map((a) => a.candidates[0]?.text)).toEqual(['one', 'two', 'three']);
    expect((error as Error).message).toContain("gate 'answer' failed");
    expect(events.some((e) => e.type === 'exhausted')).toBe(true);
  });

  it("returns the best attempt marked not accepted with onExhausted: 'best'", async () => {
    const { tiers } = ladder({ s: ['one'], l: ['two'] });
    const cascade = createCascade({ tiers, gates: [answerGate()], onExhausted: 'best' });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.accepted).toBe(false);
    expect(result.outcome).toBe('exhausted');
    expect(result.text).toBe('two');
    expect(result.attempts).toHaveLength(2);
  });

  it('starts at the quality floor and lets a router raise it, never lower it', async () => {
    const { tiers, provider } = ladder({ s: ['good'], m: ['good'], l: ['good'] });
    const cascade = createCascade({
      tiers,
      gates: [answerGate()],
      router: (r) => (r.metadata?.feature === 'hard' ? 'tier-l' : 0),
    });
    expect((await cascade.run({ prompt: 'a' }, { minTier: 'tier-m' })).tier).toBe('tier-m');
    expect((await cascade.run({ prompt: 'b', metadata: { feature: 'hard' } })).tier).toBe('tier-l');
    expect((await cascade.run({ prompt: 'c' }, { minTier: 1 })).tier).toBe('tier-m');
    expect(provider.calls.map((c) => c.request.model)).toEqual(['m', 'l', 'm']);
    await expect(cascade.run({ prompt: 'd' }, { minTier: 'nope' })).rejects.toThrow(/minTier: names no tier/);
  });

  it('skips tiers whose data policy forbids the request, and says so when none is left', async () => {
    const { tiers: base } = ladder({ s: ['good'], l: ['good'] });
    const tiers = [{ ...base[0]!, dataClasses: ['public'] }, base[1]!];
    const events: CascadeEvent[] = [];
    const cascade = createCascade({ tiers, gates: [answerGate()], onEvent: (e) => events.push(e) });
    const result = await cascade.run({ prompt: 'hi', metadata: { dataClass: 'pii' } });
    expect(result.tier).toBe('tier-l');
    expect(result.escalations).toBe(0);
    expect(events.find((e) => e.type === 'tier-skipped')).toMatchObject({ tier: 'tier-s' });
    expect((await cascade.run({ prompt: 'hi', metadata: { dataClass: 'public' } })).tier).toBe('tier-s');

    const only = createCascade({ tiers: [tiers[0]!] });
    const error = await only.run({ prompt: 'hi' }).catch((e: unknown) => e);
    expect(NoTierAvailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("data class '(none)'");
  });

  it('merges run metadata over the request metadata', async () => {
    const { tiers, provider } = ladder({ s: ['good'] });
    const cascade = createCascade({ tiers });
    await cascade.run({ prompt: 'hi', metadata: { tenant: 'a', feature: 'f' } }, { metadata: { tenant: 'b' } });
    expect(provider.calls[0]?.request.metadata).toEqual({ tenant: 'b', feature: 'f' });
  });

  it('rejects a request without a user message, naming the field', async () => {
    const { tiers } = ladder({ s: ['good'] });
    const cascade = createCascade({ tiers });
    await expect(cascade.run({ system: 'only system' })).rejects.toThrow(/request: needs `messages` or `prompt`/);
    await expect(cascade.run({ messages: [{ role: 'robot', content: 'x' }] as never })).rejects.toThrow(
      /request.messages\[0\]/,
    );
  });

  it('ignores a throwing event listener', async () => {
    const { tiers } = ladder({ s: ['good'] });
    const cascade = createCascade({
      tiers,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await expect(cascade.run({ prompt: 'hi' })).resolves.toMatchObject({ accepted: true });
  });

  it('adds a gate response format to requests that carry none, on tiers that support it', async () => {
    const provider = scriptedProvider({ script: [{ text: '{}' }] });
    const noStructured = scriptedProvider({ script: [{ text: '{}' }], capabilities: { structuredOutput: false } });
    const schemaGate = {
      ...scriptedGate({ name: 'schema', results: [ok] }),
      responseFormat: { type: 'json_schema' as const, schema: { type: 'object' } },
    };
    const cascade = createCascade({
      tiers: [
        { name: 'a', provider: noStructured, model: 'm', price },
        { name: 'b', provider, model: 'm', price },
      ],
      gates: [schemaGate],
    });
    await cascade.run({ prompt: 'hi' }, { minTier: 'a' });
    await cascade.run({ prompt: 'hi' }, { minTier: 'b' });
    expect(noStructured.calls[0]?.request.responseFormat).toBeUndefined();
    expect(provider.calls[0]?.request.responseFormat).toEqual(schemaGate.responseFormat);
  });

  it('closes every gate once', async () => {
    const { tiers } = ladder({ s: ['good'], l: ['good'] });
    let closed = 0;
    const gate = {
      ...answerGate(),
      close: () => {
        closed += 1;
      },
    };
    const cascade = createCascade({ tiers, gates: [gate] });
    await cascade.close();
    expect(closed).toBe(1);
  });
});
