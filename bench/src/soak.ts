import { createCascade, type GateResult } from '@llm-cascade/core';
import { type FaultRates, faultInjectionProvider, scriptedProvider, soak } from '@llm-cascade/core/test';
import { type BenchResult, saveResult } from './result-file.ts';
import { format } from './stats.ts';

const REQUESTS = 100_000;
const ABORTS = 1_000;
// 20% of calls faulted, spread over every kind of fault.
const RATES: FaultRates = {
  rateLimit: 0.04,
  server: 0.03,
  timeout: 0.02,
  connectionReset: 0.03,
  emptyBody: 0.02,
  malformed: 0.03,
  truncated: 0.02,
  slowFirstByte: 0.01,
};

const jsonGate = {
  name: 'json',
  evaluate: ({ candidate }: { candidate: { text: string } }): GateResult => {
    try {
      JSON.parse(candidate.text);
      return { status: 'pass', reason: 'ok' };
    } catch {
      return { status: 'fail', reason: 'invalid-json', feedback: 'Answer with JSON only.' };
    }
  },
};

export async function soakBench(): Promise<BenchResult> {
  const inner = scriptedProvider({
    script: (call) => ({ text: `{"answer":${call.index % 1000}}`, delayMs: call.index % 3 }),
    recordCalls: false,
  });
  const provider = faultInjectionProvider({
    provider: inner,
    seed: 2026,
    rates: RATES,
    retryAfterMs: 2,
    slowFirstByteMs: 20,
  });
  const cascade = createCascade({
    name: 'soak',
    tiers: ['small', 'medium', 'large'].map((name, i) => ({
      name,
      provider,
      model: name,
      price: { inputPerMTok: 0.15 * 8 ** i, outputPerMTok: 0.6 * 8 ** i },
      timeoutMs: 50,
      retries: 1,
      repairs: 1,
      maxConcurrency: 400,
    })),
    gates: [jsonGate],
    retry: { baseDelayMs: 2, maxDelayMs: 10 },
  });
  const slow = scriptedProvider({ script: [{ text: '{}', delayMs: 600_000 }], recordCalls: false });
  const abortCascade = createCascade({
    tiers: [
      {
        name: 'slow',
        provider: slow,
        model: 'm',
        price: { inputPerMTok: 1, outputPerMTok: 1 },
        timeoutMs: 900_000,
        maxConcurrency: ABORTS,
      },
    ],
  });
  const report = await soak({
    cascade,
    requests: REQUESTS,
    concurrency: 500,
    abort: { cascade: abortCascade, count: ABORTS, inFlightMs: 100 },
    onProgress: (done) => {
      if (done % 20_000 === 0) console.error(`  soak: ${done.toLocaleString('en')} settled`);
    },
  });
  const injected = Object.entries(provider.injected)
    .filter(([kind]) => kind !== 'none')
    .reduce((a, [, n]) => a + n, 0);
  const calls = injected + provider.injected.none;
  const failed = Object.values(report.failedByCode).reduce((a, b) => a + b, 0);
  const settled = report.accepted + report.notAccepted + failed;
  const heapRatio =
    report.heapAfterBytes !== undefined && report.heapBeforeBytes !== undefined
      ? report.heapAfterBytes / report.heapBeforeBytes
      : Number.NaN;
  const grew = Object.entries(report.handlesAfter).filter(([type, n]) => n > (report.handlesBefore[type] ?? 0));
  const markdown = [
    `${REQUESTS.toLocaleString('en')} requests through a three-tier cascade (JSON gate, 1 retry, 1 repair, 50 ms timeout per tier),`,
    `500 in flight, over a seeded fault-injection provider: ${((injected / calls) * 100).toFixed(1)}% of ${calls.toLocaleString('en')} calls faulted`,
    `(${Object.entries(provider.injected)
      .filter(([k]) => k !== 'none')
      .map(([k, n]) => `${k} ${n.toLocaleString('en')}`)
      .join(', ')}).`,
    '',
    '| check | measured | expected |',
    '| --- | --- | --- |',
    `| requests settled | ${settled.toLocaleString('en')} of ${REQUESTS.toLocaleString('en')} | all |`,
    `| accepted | ${report.accepted.toLocaleString('en')} | |`,
    `| typed failures, by code | ${
      failed === 0
        ? 'none'
        : Object.entries(report.failedByCode)
            .map(([c, n]) => `${c} ${n}`)
            .join(', ')
    } | each holding its attempts |`,
    `| failures not typed, or without their attempts | ${report.untypedFailures + report.failuresWithoutAttempts} | 0 |`,
    `| attempts recorded | ${report.attempts.toLocaleString('en')} | |`,
    `| unhandled rejections | ${report.unhandledRejections} | 0 |`,
    `| active handles before / after | ${JSON.stringify(report.handlesBefore)} / ${JSON.stringify(report.handlesAfter)} | no growth${grew.length > 0 ? ` (grew: ${grew.map(([t]) => t).join(', ')})` : ''} |`,
    `| heap after GC, end / start | ${report.heapAfterBytes === undefined ? 'n/a' : `${format.kib(report.heapAfterBytes)} / ${format.kib(report.heapBeforeBytes ?? 0)} = ${format.ratio(heapRatio)}`} | within 1.10 |`,
    `| ${ABORTS.toLocaleString('en')} in-flight runs aborted: AbortErrors | ${report.abort?.abortErrors ?? 0} | ${ABORTS} |`,
    `| abort to settle, p99 / max (all ${ABORTS.toLocaleString('en')} aborted in one synchronous loop) | ${format.ms(report.abort?.p99SettleMs ?? Number.NaN)} / ${format.ms(report.abort?.maxSettleMs ?? Number.NaN)} | under 50 ms each |`,
    `| of which the caller's own abort loop (no run can settle before it ends) | ${format.ms(report.abort?.abortLoopMs ?? Number.NaN)} | |`,
    `| soak duration | ${format.ms(report.durationMs)} | |`,
  ].join('\n');
  return saveResult({
    name: 'soak',
    title: 'Soak: 100,000 requests with 20% faults',
    command: 'scripts/with-node pnpm bench soak',
    markdown,
    figures: {
      settled,
      accepted: report.accepted,
      untyped: report.untypedFailures,
      withoutAttempts: report.failuresWithoutAttempts,
      unhandled: report.unhandledRejections,
      heapRatio,
      abortMaxSettleMs: report.abort?.maxSettleMs ?? Number.NaN,
      faultShare: injected / calls,
    },
  });
}
