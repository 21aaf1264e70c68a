import { createCascade } from '@llm-cascade/core';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicProvider } from './index.ts';
import { type AnthropicWireServer, startAnthropicWireServer } from './test.ts';

const KEY = 'sk-ant-test-otel-0123456789';
const MODEL = 'claude-haiku-4-5';
const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(async () => {
  trace.disable();
  context.disable();
  propagation.disable();
  await tracerProvider.shutdown();
});

let server: AnthropicWireServer;
beforeEach(async () => {
  exporter.reset();
  server = await startAnthropicWireServer({ apiKey: KEY });
});
afterEach(async () => {
  await server.close();
});

async function runOnce(openTelemetry: boolean | undefined) {
  const provider = anthropicProvider({
    apiKey: KEY,
    baseURL: server.baseURL,
    ...(openTelemetry === undefined ? {} : { openTelemetry }),
  });
  const cascade = createCascade({ tiers: [{ name: 'haiku', provider, model: MODEL }] });
  await cascade.run({ prompt: 'hi' });
  return exporter.getFinishedSpans().map((span) => span.name);
}

describe('OpenTelemetry with an SDK registered', () => {
  it('emits only the cascade’s own chat span: the SDK’s spans and traceparent header are off by default', async () => {
    const names = await runOnce(undefined);
    expect(names).toContain(`chat ${MODEL}`);
    expect(names.filter((name) => name.startsWith('anthropic'))).toEqual([]);
    expect(names.filter((name) => name.startsWith('chat'))).toHaveLength(1);
    expect(server.requests[0]?.headers).not.toHaveProperty('traceparent');
  });

  it('turns the SDK’s spans back on when asked, as a child of the cascade’s chat span', async () => {
    const names = await runOnce(true);
    const sdkSpans = exporter.getFinishedSpans().filter((span) => span.name.startsWith('anthropic'));
    expect(sdkSpans).toHaveLength(1);
    const chat = exporter.getFinishedSpans().find((span) => span.name === `chat ${MODEL}`);
    expect(sdkSpans[0]?.parentSpanContext?.spanId).toBe(chat?.spanContext().spanId);
    expect(names).toContain(`chat ${MODEL}`);
    expect(server.requests[0]?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });
});
