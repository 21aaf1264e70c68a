import { describe, expect, it } from 'vitest';
import type { GateResult } from './contracts.ts';
import { createCascade } from './index.ts';
import { faultInjectionProvider, scriptedProvider, soak } from './test.ts';

function threeTierCascade(provider: ReturnType<typeof faultInjectionProvider> | ReturnType<typeof scriptedProvider>) {
  const jsonGate = {
    name: 'json',
    evaluate: ({ candidate }: { candidate: { text: string } }): GateResult => {
      try {
        JSON.parse(candidate.text);
        return { status: 'pass', reason: 'ok' };
      } catch {
        return { status: 'fail', reason: 'invalid-json', feedback: 'Answer with JSON.' };
      }
    },
  };
  return createCascade({
    tiers: ['small', 'medium', 'large'].map((name, i) => ({
      name,
      provider,
      model: name,
      price: { inputPerMTok: 0.1 * 10 ** i, outputPerMTok: 0.4 * 10 ** i },
      timeoutMs: 30,
      retries: 1,
      repairs: 1,
      maxConcurrency: 200,
    })),
    gates: [jsonGate],
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
}

describe('soak (short)', () => {
  it('loses nothing under 20% faults: every run ends accepted or typed with its attempts, no leaks, aborts settle fast', async () => {
    const inner = scriptedProvider({
      script: (call) => ({ text: `{"answer":${call.index % 100}}`, delayMs: call.index % 2 }),
    });
    const faulty = faultInjectionProvider({
      provider: inner,
      seed: 42,
      rates: {
        rateLimit: 0.03,
        server: 0.03,
        timeout: 0.02,
        connectionReset: 0.03,
        emptyBody: 0.03,
        malformed: 0.03,
        truncated: 0.02,
        slowFirstByte: 0.01,
      },
      retryAfterMs: 1,
      slowFirstByteMs: 5,
    });
    const slow = scriptedProvider({ script: [{ text: '{}', delayMs: 60_000 }] });
    const report = await soak({
      cascade: threeTierCascade(faulty),
      requests: 2_000,
      concurrency: 100,
      abort: {
        cascade: createCascade({
          tiers: [
            { name: 't', provider: slow, model: 'm', price: { inputPerMTok: 1, outputPerMTok: 1 }, timeoutMs: 120_000 },
          ],
        }),
        count: 200,
      },
    });
    expect(report.accepted + report.notAccepted + Object.values(report.failedByCode).reduce((a, b) => a + b, 0)).toBe(
      2_000,
    );
    expect(report.accepted).toBeGreaterThan(1_900);
    expect(report.untypedFailures).toBe(0);
    expect(report.failuresWithoutAttempts).toBe(0);
    expect(report.unhandledRejections).toBe(0);
    // Nothing left behind: no kind of handle grew (the test runner's own timers may come and go).
    for (const [type, count] of Object.entries(report.handlesAfter)) {
      expect(count, type).toBeLessThanOrEqual(report.handlesBefore[type] ?? 0);
    }
    expect(report.abort?.abortErrors).toBe(200);
    expect(slow.inFlight).toBe(0);
    const injected = Object.entries(faulty.injected)
      .filter(([kind]) => kind !== 'none')
      .reduce((a, [, n]) => a + n, 0);
    expect(injected / (injected + faulty.injected.none)).toBeGreaterThan(0.15);
  }, 60_000);
});
