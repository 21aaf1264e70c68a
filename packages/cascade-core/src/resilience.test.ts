import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Gate, GateResult } from './contracts.ts';
import { CascadeError, ProviderError } from './errors.ts';
import { type CascadeOptions, createCascade } from './index.ts';
import type { Attempt } from './result.ts';
import { faultInjectionProvider, scriptedProvider } from './test.ts';

describe('faultInjectionProvider', () => {
  it('injects each kind of fault at about its rate, deterministically for a seed', async () => {
    const rates = { rateLimit: 0.1, server: 0.1, connectionReset: 0.1, emptyBody: 0.1, malformed: 0.1, truncated: 0.1 };
    const draw = async (seed: number) => {
      const provider = faultInjectionProvider({
        provider: scriptedProvider({ script: [{ text: '{"answer": 42}' }] }),
        seed,
        rates,
      });
      const outcomes: string[] = [];
      for (let i = 0; i < 2000; i += 1) {
        try {
          const generation = await provider.generate(
            { model: 'm', messages: [{ role: 'user', content: `q${i}` }] },
            { signal: new AbortController().signal },
          );
          const candidate = generation.candidates[0];
          outcomes.push(
            candidate?.finishReason === 'length'
              ? 'truncated'
              : candidate?.text === '{"answer": 42}'
                ? 'ok'
                : 'malformed',
          );
        } catch (error) {
          outcomes.push(
            ProviderError.isInstance(error)
              ? `${error.kind}:${error.retryable}:${error.status ?? ''}:${error.retryAfterMs ?? ''}`
              : 'crash',
          );
        }
      }
      return { outcomes, injected: provider.injected };
    };
    const first = await draw(7);
    expect((await draw(7)).outcomes).toEqual(first.outcomes);
    expect((await draw(8)).outcomes).not.toEqual(first.outcomes);
    const counts = new Map<string, number>();
    for (const outcome of first.outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(
      [
        'connection:true::',
        'malformed',
        'malformed-response:true:200:',
        'ok',
        'rate-limit:true:429:10',
        'server:true:500:',
        'truncated',
      ].sort(),
    );
    for (const [outcome, count] of counts) {
      const expected = outcome === 'ok' ? 0.4 : 0.1;
      expect(Math.abs(count / 2000 - expected), outcome).toBeLessThan(0.03);
    }
    expect(first.injected.none).toBe(counts.get('ok'));
  });

  it('hangs a timeout fault until the signal fires, and delays a slow first byte', async () => {
    const provider = faultInjectionProvider({
      provider: scriptedProvider({ script: [{ text: 'ok' }] }),
      seed: 1,
      rates: { timeout: 1 },
    });
    const controller = new AbortController();
    const call = provider.generate(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('deadline')), 10);
    await expect(call).rejects.toThrow('deadline');

    const slow = faultInjectionProvider({
      provider: scriptedProvider({ script: [{ text: 'ok' }] }),
      seed: 1,
      rates: { slowFirstByte: 1 },
      slowFirstByteMs: 30,
    });
    const started = performance.now();
    await slow.generate(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { signal: new AbortController().signal },
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});

/** A gate that passes a deterministic share of answers, by a hash of the text, optionally with feedback. */
function hashGate(name: string, passPercent: number, feedback: boolean): Gate {
  return {
    name,
    evaluate: ({ candidate }): GateResult => {
      let h = 7;
      for (const char of candidate.text + name) h = (h * 31 + char.charCodeAt(0)) >>> 0;
      return h % 100 < passPercent
        ? { status: 'pass', reason: 'ok' }
        : { status: 'fail', reason: 'hash', ...(feedback ? { feedback: 'try again' } : {}) };
    },
  };
}

const scenario = fc.record({
  tiers: fc.array(
    fc.record({
      retries: fc.integer({ min: 0, max: 2 }),
      repairs: fc.integer({ min: 0, max: 2 }),
      maxConcurrency: fc.integer({ min: 1, max: 4 }),
      inputPrice: fc.double({ min: 0.05, max: 5, noNaN: true }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  gates: fc.array(fc.record({ passPercent: fc.integer({ min: 10, max: 100 }), feedback: fc.boolean() }), {
    maxLength: 3,
  }),
  seed: fc.integer(),
  faultShare: fc.double({ min: 0, max: 0.6, noNaN: true }),
  budgetUsd: fc.option(fc.double({ min: 0.0001, max: 0.01, noNaN: true }), { nil: undefined, freq: 3 }),
  onExhausted: fc.constantFrom('throw' as const, 'best' as const),
  hedgeMs: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  abortAfterMs: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined, freq: 4 }),
  requests: fc.integer({ min: 1, max: 12 }),
});

describe('invariants under random tiers, gates and faults', () => {
  it('every run settles; cost is the sum of attempts; attempts are in order; the budget holds; accepted answers passed every gate; no call is lost', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const inner = scriptedProvider({
          script: (call) => ({ text: `answer ${call.request.model} ${call.index}`, delayMs: call.index % 3 }),
        });
        const share = s.faultShare / 8;
        const provider = faultInjectionProvider({
          provider: inner,
          seed: s.seed,
          rates: {
            rateLimit: share,
            server: share,
            timeout: share,
            connectionReset: share,
            emptyBody: share,
            malformed: share,
            truncated: share,
            slowFirstByte: share,
          },
          retryAfterMs: 1,
          slowFirstByteMs: 3,
        });
        const gates = s.gates.map((g, i) => hashGate(`g${i}`, g.passPercent, g.feedback));
        const options: CascadeOptions = {
          tiers: s.tiers.map((t, i) => ({
            name: `t${i}`,
            provider,
            model: `m${i}`,
            price: { inputPerMTok: t.inputPrice, outputPerMTok: t.inputPrice * 3 },
            retries: t.retries,
            repairs: t.repairs,
            maxConcurrency: t.maxConcurrency,
            timeoutMs: 20,
          })),
          gates,
          onExhausted: s.onExhausted,
          retry: { baseDelayMs: 1, maxDelayMs: 2 },
          ...(s.budgetUsd === undefined ? {} : { budgetUsd: s.budgetUsd }),
          ...(s.hedgeMs === undefined ? {} : { hedge: { delayMs: s.hedgeMs } }),
        };
        const cascade = createCascade(options);
        const controller = new AbortController();
        const timer = s.abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), s.abortAfterMs);
        const requests = Array.from({ length: s.requests }, (_, i) => ({
          id: `r${i}`,
          prompt: `question ${i}`,
          maxOutputTokens: 64,
        }));
        const settled = await Promise.race([
          cascade.runMany(requests, { concurrency: 4, signal: controller.signal }),
          new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000).unref()),
        ]);
        clearTimeout(timer);
        expect(settled).not.toBe('hung');
        if (settled === 'hung') return;

        let attemptCalls = 0;
        for (const item of settled) {
          const attempts: readonly Attempt[] = item.ok
            ? item.result.attempts
            : ((item.error as CascadeError & { attempts?: readonly Attempt[] }).attempts ?? []);
          if (!item.ok) expect(CascadeError.isInstance(item.error)).toBe(true);
          expect(attempts.map((a) => a.index)).toEqual(attempts.map((_, i) => i));
          const sum = attempts.reduce((total, a) => total + a.costUsd, 0);
          if (item.ok) expect(item.result.costUsd).toBeCloseTo(sum, 12);
          if (s.budgetUsd !== undefined) expect(sum).toBeLessThanOrEqual(s.budgetUsd + 1e-12);
          attemptCalls += attempts.reduce((total, a) => total + a.calls, 0);
          if (item.ok && item.result.accepted) {
            const answer = attempts.find((a) => a.outcome === 'accepted' && a.tier === item.result.tier);
            expect(answer).toBeDefined();
            expect(answer?.gates.every((g) => g.status === 'pass')).toBe(true);
            expect(answer?.gates).toHaveLength(4 + gates.length);
          }
          for (const attempt of attempts) {
            if (attempt.calls > 0 && attempt.outcome !== 'provider-error' && attempt.outcome !== 'aborted') {
              expect(attempt.candidates.length).toBeGreaterThan(0);
            }
          }
        }
        const providerCalls = Object.values(provider.injected).reduce((a, b) => a + b, 0);
        expect(attemptCalls).toBe(providerCalls);
        expect(inner.inFlight).toBe(0);
      }),
      { numRuns: 100, seed: 20261122 },
    );
  }, 120_000);
});
