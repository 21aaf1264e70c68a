import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@llm-cascade/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpanJson } from './json-lines-span-exporter.ts';
import { loadCascadeConfig } from './load-cascade-config.ts';
import type { DecodedSpan } from './testing/otlp-protobuf.ts';
import { type OtlpReceiver, startOtlpReceiver } from './testing/otlp-receiver.ts';
import { resolveOtlpUrl, startTracing } from './tracing.ts';

const scriptedConfig = fileURLToPath(new URL('./testing/fixtures/scripted.config.ts', import.meta.url));

function childrenOf<T extends { parentSpanId?: string; spanId: string }>(spans: readonly T[], parent: T): T[] {
  return spans.filter((span) => span.parentSpanId === parent.spanId);
}

describe('resolveOtlpUrl', () => {
  it('appends /v1/traces to a base URL and keeps a full traces URL', () => {
    expect(resolveOtlpUrl('http://localhost:4318', {})).toBe('http://localhost:4318/v1/traces');
    expect(resolveOtlpUrl('http://localhost:4318/', {})).toBe('http://localhost:4318/v1/traces');
    expect(resolveOtlpUrl('http://collector/v1/traces', {})).toBe('http://collector/v1/traces');
  });

  it('prefers the flag, then the traces-specific variable, then the generic one', () => {
    const env = {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://specific:4318/custom',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
    };
    expect(resolveOtlpUrl('http://flag:4318', env)).toBe('http://flag:4318/v1/traces');
    expect(resolveOtlpUrl(undefined, env)).toBe('http://specific:4318/custom');
    expect(resolveOtlpUrl(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318' })).toBe(
      'http://generic:4318/v1/traces',
    );
    expect(resolveOtlpUrl(undefined, {})).toBeUndefined();
    expect(resolveOtlpUrl(undefined, { ...env, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it('names the source of a bad URL', () => {
    expect(() => resolveOtlpUrl('not a url', {})).toThrow(ConfigError);
    try {
      resolveOtlpUrl(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' });
    } catch (error) {
      expect(ConfigError.isInstance(error) && error.field).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
    }
    expect.assertions(2);
  });
});

describe('startTracing over OTLP/HTTP protobuf', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('exports the cascade span tree with the GenAI attributes to a collector', async () => {
    const warnings: string[] = [];
    const tracing = startTracing({ otlpEndpoint: receiver.url, env: {}, warn: (m) => warnings.push(m) });
    expect(tracing.otlpUrl).toBe(`${receiver.url}/v1/traces`);
    const cascade = await loadCascadeConfig(scriptedConfig);
    // "hard" escalates: the small tier's answer fails the gate, the large tier's passes.
    const result = await cascade.run({ id: 'hard-1', prompt: 'hard question' });
    expect(result.tier).toBe('large');
    await tracing.shutdown();
    expect(warnings).toEqual([]);

    expect(receiver.exports.length).toBeGreaterThan(0);
    for (const received of receiver.exports) {
      expect(received.path).toBe('/v1/traces');
      expect(received.contentType).toBe('application/x-protobuf');
    }
    const spans = receiver.spans();
    const runs = spans.filter((s) => s.name === 'cascade.run');
    expect(runs).toHaveLength(1);
    const run = runs[0] as DecodedSpan;
    expect(run.parentSpanId).toBe('');
    expect(run.resource['service.name']).toBe('llm-cascade');
    expect(run.attributes['cascade.request.id']).toBe('hard-1');
    expect(run.attributes['cascade.final_tier']).toBe('large');
    expect(run.attributes['cascade.escalations']).toBe(1);

    const attempts = childrenOf(spans, run);
    expect(attempts.map((a) => a.name)).toEqual(['cascade.attempt small', 'cascade.attempt large']);
    for (const [index, attempt] of attempts.entries()) {
      expect(attempt.traceId).toBe(run.traceId);
      const children = childrenOf(spans, attempt);
      const chat = children.find((s) => s.name.startsWith('chat '));
      expect(chat).toBeDefined();
      expect(chat?.kind).toBe(3);
      const model = index === 0 ? 'small-model' : 'large-model';
      expect(chat?.name).toBe(`chat ${model}`);
      expect(chat?.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'scripted',
        'gen_ai.request.model': model,
        'gen_ai.response.model': model,
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
      });
      const gates = children.filter((s) => s.name.startsWith('cascade.gate '));
      expect(gates.map((g) => g.name)).toContain('cascade.gate answer-format');
    }
    const smallGate = childrenOf(spans, attempts[0] as DecodedSpan).find(
      (s) => s.name === 'cascade.gate answer-format',
    );
    expect(smallGate?.attributes['cascade.gate.status']).toBe('fail');
    expect(smallGate?.events.map((e) => e.name)).toContain('escalation');
    const largeGate = childrenOf(spans, attempts[1] as DecodedSpan).find(
      (s) => s.name === 'cascade.gate answer-format',
    );
    expect(largeGate?.attributes['cascade.gate.status']).toBe('pass');
  });

  it('uses OTEL_SERVICE_NAME and the standard endpoint variable', async () => {
    const tracing = startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'batch-7' } });
    const cascade = await loadCascadeConfig(scriptedConfig);
    await cascade.run({ prompt: 'easy question' });
    await tracing.shutdown();
    const run = receiver.spans().find((s) => s.name === 'cascade.run');
    expect(run?.resource['service.name']).toBe('batch-7');
  });
});

describe('startTracing with a collector that is down or stuck', () => {
  it('warns once and shuts down when nothing listens on the port', async () => {
    const probe = createServer();
    await new Promise<void>((settle) => probe.listen(0, '127.0.0.1', settle));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((settle) => probe.close(() => settle()));

    const warnings: string[] = [];
    const tracing = startTracing({
      otlpEndpoint: `http://127.0.0.1:${port}`,
      env: {},
      warn: (m) => warnings.push(m),
      shutdownTimeoutMs: 1500,
      scheduledDelayMs: 10,
    });
    const cascade = await loadCascadeConfig(scriptedConfig);
    for (let i = 0; i < 5; i += 1) await cascade.run({ prompt: `hard ${i}` });
    await tracing.shutdown();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`127.0.0.1:${port}`);
  });

  it('bounds the shutdown when the collector accepts but never answers', async () => {
    const stuck = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((settle) => stuck.listen(0, '127.0.0.1', settle));
    const { port } = stuck.address() as AddressInfo;
    const warnings: string[] = [];
    try {
      const tracing = startTracing({
        otlpEndpoint: `http://127.0.0.1:${port}`,
        env: {},
        warn: (m) => warnings.push(m),
        shutdownTimeoutMs: 500,
        exportTimeoutMs: 30_000,
      });
      const cascade = await loadCascadeConfig(scriptedConfig);
      await cascade.run({ prompt: 'easy one' });
      await tracing.shutdown();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/not delivered to .* within 500 ms/);
    } finally {
      stuck.closeAllConnections();
      await new Promise<void>((settle) => stuck.close(() => settle()));
    }
  });
});

describe('startTracing with a trace file', () => {
  it('writes one JSON object per span, with the tree and the GenAI attributes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-cascade-trace-'));
    try {
      const file = join(dir, 'nested', 'trace.jsonl');
      const tracing = startTracing({ traceFile: file, env: {} });
      expect(tracing.otlpUrl).toBeUndefined();
      const cascade = await loadCascadeConfig(scriptedConfig);
      await cascade.run({ id: 'f1', prompt: 'fixable one' });
      await tracing.shutdown();
      const spans = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as SpanJson);
      const run = spans.find((s) => s.name === 'cascade.run');
      expect(run).toBeDefined();
      expect(run?.parentSpanId).toBeUndefined();
      expect(run?.attributes['cascade.repairs']).toBe(1);
      const attempts = spans.filter((s) => s.parentSpanId === run?.spanId);
      expect(attempts.map((a) => a.attributes['cascade.attempt.kind'])).toEqual(['first', 'repair']);
      const chat = spans.find((s) => s.parentSpanId === attempts[1]?.spanId && s.kind === 'CLIENT');
      expect(chat?.attributes['gen_ai.request.model']).toBe('small-model');
      expect(chat?.attributes['gen_ai.usage.input_tokens']).toBe(100);
      expect(BigInt(chat?.endTimeUnixNano ?? '0') >= BigInt(chat?.startTimeUnixNano ?? '1')).toBe(true);
      expect(typeof chat?.durationMs).toBe('number');
      expect(run?.status.code).toBe('UNSET');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('registers nothing without an endpoint or a file', async () => {
    const tracing = startTracing({ env: {} });
    expect(tracing.enabled).toBe(false);
    await tracing.shutdown();
  });
});
