import { type Cascade, createCascade, type Generation, type Provider, SPECIFICATION_VERSION } from '@llm-cascade/core';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { type BenchResult, saveResult } from './result-file.ts';
import { format, median } from './stats.ts';

// A provider that answers at once with a prebuilt generation: what remains is the engine's own work.
const generation: Generation = {
  candidates: [{ text: '{"answer": 42}', finishReason: 'stop' }],
  usage: { inputTokens: 20, outputTokens: 5 },
  model: 'zero-latency',
};
const provider: Provider = {
  specificationVersion: SPECIFICATION_VERSION,
  id: 'zero-latency',
  capabilities: { logprobs: false, multipleSamples: true, structuredOutput: false },
  generate: async () => generation,
};

/** Counts spans and drops them: the SDK's cost without an exporter's I/O. */
class DiscardingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

const request = { prompt: 'What is six times seven? Answer as JSON.' };
const signal = new AbortController().signal;

async function timeDirect(iterations: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1)
    await provider.generate({ model: 'm', messages: [{ role: 'user', content: request.prompt }] }, { signal });
  return performance.now() - started;
}

async function timeCascade(cascade: Cascade, iterations: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) await cascade.run(request);
  return performance.now() - started;
}

/** Median over alternating rounds of (cascade - direct) per request, in ms. */
async function overhead(cascade: Cascade, rounds: number, iterations: number): Promise<number> {
  await timeCascade(cascade, iterations);
  await timeDirect(iterations);
  const perRequest: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const direct = await timeDirect(iterations);
    const wrapped = await timeCascade(cascade, iterations);
    perRequest.push((wrapped - direct) / iterations);
  }
  return median(perRequest);
}

export async function engineOverhead(): Promise<BenchResult> {
  const rounds = 7;
  const iterations = 20_000;
  const tier = { name: 'only', provider, model: 'm', price: { inputPerMTok: 1, outputPerMTok: 2 } };
  const cascade = createCascade({ tiers: [tier] });
  const threeTiers = createCascade({
    tiers: [
      { ...tier, name: 'a' },
      { ...tier, name: 'b' },
      { ...tier, name: 'c' },
    ],
  });
  const directPerRequest = (await timeDirect(iterations)) / iterations;
  const withoutSdk = await overhead(cascade, rounds, iterations);
  const threeTierWithoutSdk = await overhead(threeTiers, rounds, iterations);

  const exporter = new DiscardingExporter();
  const sdk = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 65_536 })] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(sdk);
  const withSdk = await overhead(cascade, rounds, iterations);
  await sdk.forceFlush();
  await sdk.shutdown();
  trace.disable();
  context.disable();

  const targetWithout = 0.02;
  const targetWith = 0.1;
  const markdown = [
    `One request through a one-tier cascade with the four built-in soft-failure gates, against calling the`,
    `same zero-latency provider directly; median over ${rounds} alternating rounds of ${iterations.toLocaleString('en')} sequential requests.`,
    '',
    '| measure | per request | target | ratio to target |',
    '| --- | --- | --- | --- |',
    `| provider called directly | ${format.us(directPerRequest)} | | |`,
    `| engine overhead, no tracing SDK | ${format.us(withoutSdk)} | 20 µs | ${format.ratio(withoutSdk / targetWithout)} |`,
    `| engine overhead, SDK + batch processor (${exporter.spans.toLocaleString('en')} spans exported) | ${format.us(withSdk)} | 100 µs | ${format.ratio(withSdk / targetWith)} |`,
    `| engine overhead, no SDK, request accepted on the first of three tiers | ${format.us(threeTierWithoutSdk)} | 20 µs | ${format.ratio(threeTierWithoutSdk / targetWithout)} |`,
  ].join('\n');
  return saveResult({
    name: 'engine-overhead',
    title: 'Engine overhead per request',
    command: 'scripts/with-node pnpm bench engine-overhead',
    markdown,
    figures: {
      directUs: directPerRequest * 1000,
      overheadNoSdkUs: withoutSdk * 1000,
      overheadSdkUs: withSdk * 1000,
      ratioNoSdk: withoutSdk / targetWithout,
      ratioSdk: withSdk / targetWith,
    },
  });
}
