import {
  type CascadeRequest,
  createCascade,
  type Generation,
  type Provider,
  SPECIFICATION_VERSION,
} from '@llm-cascade/core';
import { type BenchResult, saveResult } from './result-file.ts';
import { forceGc, format } from './stats.ts';

const LATENCY_MS = 200;
const REQUESTS = 10_000;

const generation: Generation = {
  candidates: [{ text: '{"answer": 42}', finishReason: 'stop' }],
  usage: { inputTokens: 20, outputTokens: 5 },
  model: 'simulated',
};

/** A provider that answers after 200 ms, counting calls in flight and telling when they peak. */
function simulatedProvider(onInFlight?: (count: number) => void): Provider & { readonly maxInFlight: number } {
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: 'simulated',
    capabilities: { logprobs: false, multipleSamples: true, structuredOutput: false },
    get maxInFlight() {
      return maxInFlight;
    },
    generate: () =>
      new Promise<Generation>((resolve) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        onInFlight?.(inFlight);
        setTimeout(() => {
          inFlight -= 1;
          resolve(generation);
        }, LATENCY_MS);
      }),
  };
}

const requests: CascadeRequest[] = Array.from({ length: REQUESTS }, (_, i) => ({
  id: `r${i}`,
  prompt: `question ${i}`,
}));

async function throughput(limit: number): Promise<{ ms: number; maxInFlight: number }> {
  const provider = simulatedProvider();
  const cascade = createCascade({
    tiers: [{ name: 't', provider, model: 'm', price: { inputPerMTok: 1, outputPerMTok: 1 }, maxConcurrency: limit }],
  });
  const started = performance.now();
  const items = await cascade.runMany(requests, { concurrency: REQUESTS });
  const ms = performance.now() - started;
  if (items.some((item) => !item.ok)) throw new Error('a request failed in the scale benchmark');
  return { ms, maxInFlight: provider.maxInFlight };
}

/** Heap held while every request is in flight at once, measured after a forced GC at the peak. */
async function heapAtPeak(throughEngine: boolean): Promise<number> {
  let peakHeap = 0;
  const provider = simulatedProvider((count) => {
    if (count === REQUESTS) {
      forceGc();
      peakHeap = process.memoryUsage().heapUsed;
    }
  });
  forceGc();
  const baseline = process.memoryUsage().heapUsed;
  if (throughEngine) {
    const cascade = createCascade({
      tiers: [
        { name: 't', provider, model: 'm', price: { inputPerMTok: 1, outputPerMTok: 1 }, maxConcurrency: REQUESTS },
      ],
    });
    await Promise.all(requests.map((request) => cascade.run(request)));
  } else {
    const signal = new AbortController().signal;
    await Promise.all(
      requests.map((request) =>
        provider.generate({ model: 'm', messages: [{ role: 'user', content: request.prompt ?? '' }] }, { signal }),
      ),
    );
  }
  return (peakHeap - baseline) / REQUESTS;
}

export async function scale(): Promise<BenchResult> {
  const limits = [500, 1_000, 2_500];
  const rows: string[] = [];
  const figures: Record<string, number> = {};
  await throughput(1_000); // warm-up
  for (const limit of limits) {
    const { ms, maxInFlight } = await throughput(limit);
    const ideal = Math.ceil(REQUESTS / limit) * LATENCY_MS;
    rows.push(
      `| ${limit.toLocaleString('en')} | ${maxInFlight.toLocaleString('en')} | ${format.ms(ideal)} | ${format.ms(ms)} | ${format.ratio(ideal / ms)} |`,
    );
    figures[`throughputRatio${limit}`] = ideal / ms;
  }
  await heapAtPeak(true); // warm-up
  const bare = await heapAtPeak(false);
  const engine = await heapAtPeak(true);
  figures.heapPerInFlightBytes = engine;
  figures.heapPerInFlightNetBytes = engine - bare;
  const markdown = [
    `${REQUESTS.toLocaleString('en')} requests submitted at once to a one-tier cascade over a provider that answers in ${LATENCY_MS} ms;`,
    "the tier's `maxConcurrency` is the only limit. Ideal time = ceil(requests / limit) x 200 ms; the throughput",
    'ratio is ideal / measured (1 means limited only by the configured concurrency).',
    '',
    '| tier concurrency | most calls in flight | ideal | measured | throughput ratio |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Heap per in-flight request, all ${REQUESTS.toLocaleString('en')} in flight at once, after a forced GC at the peak:`,
    '',
    '| measure | per request | target | ratio to target |',
    '| --- | --- | --- | --- |',
    `| through the cascade | ${format.kib(engine)} | 10 KiB | ${format.ratio(engine / 10_240)} |`,
    `| the simulated provider alone (its timer and promise) | ${format.kib(bare)} | | |`,
    `| the cascade's own share | ${format.kib(engine - bare)} | 10 KiB | ${format.ratio((engine - bare) / 10_240)} |`,
  ].join('\n');
  return saveResult({
    name: 'scale',
    title: 'Scale: 10,000 concurrent requests',
    command: 'scripts/with-node pnpm bench scale',
    markdown,
    figures,
  });
}
