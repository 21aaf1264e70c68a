import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCascade } from './index.ts';
import { scriptedGate, scriptedProvider } from './test.ts';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  trace.disable();
  context.disable();
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

const price = { inputPerMTok: 1, outputPerMTok: 2 };
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

function cascadeWithEscalation(recordContent = false) {
  const llm = scriptedProvider({
    id: 'openai',
    script: {
      'gpt-small': [{ text: 'wrong', model: 'gpt-small-2025' }],
      'gpt-large': [{ text: 'right', usage: { inputTokens: 12, outputTokens: 3 } }],
    },
  });
  const gate = scriptedGate({
    name: 'exact',
    results: (c) =>
      c.candidate.text === 'right'
        ? { status: 'pass', reason: 'ok', score: 1 }
        : { status: 'fail', reason: 'mismatch', score: 0 },
  });
  return createCascade({
    name: 'qa',
    tiers: [
      { name: 'small', provider: llm, model: 'gpt-small', price, repairs: 0 },
      { name: 'large', provider: llm, model: 'gpt-large', price },
    ],
    gates: [gate],
    builtinGates: { refusal: false, finishReason: false, minOutputTokens: false },
    recordContent,
  });
}

describe('tracing', () => {
  it('builds the run > attempt > chat/gate span tree with GenAI attributes', async () => {
    await cascadeWithEscalation().run({ prompt: 'What is secret?', id: 'req-7', maxOutputTokens: 50, temperature: 0 });
    const spans = exporter.getFinishedSpans();
    const run = spans.find((s) => s.name === 'cascade.run');
    if (run === undefined) throw new Error('no run span');
    expect(run.kind).toBe(SpanKind.INTERNAL);
    expect(run.attributes).toMatchObject({
      'cascade.name': 'qa',
      'cascade.request.id': 'req-7',
      'cascade.outcome': 'accepted',
      'cascade.final_tier': 'large',
      'cascade.attempt_count': 2,
      'cascade.escalations': 1,
    });
    expect(run.attributes['cascade.cost_usd']).toBeGreaterThan(0);

    const attempts = spans.filter((s) => s.name.startsWith('cascade.attempt '));
    expect(attempts.map((s) => s.name)).toEqual(['cascade.attempt small', 'cascade.attempt large']);
    expect(attempts.every((s) => parentOf(s) === idOf(run))).toBe(true);
    expect(
      attempts.map((s) => [
        s.attributes['cascade.attempt.kind'],
        s.attributes['cascade.attempt.outcome'],
        s.attributes['cascade.tier.index'],
      ]),
    ).toEqual([
      ['first', 'gate-failed', 0],
      ['escalation', 'accepted', 1],
    ]);

    const chats = spans.filter((s) => s.name.startsWith('chat '));
    expect(chats.map((s) => s.name)).toEqual(['chat gpt-small', 'chat gpt-large']);
    chats.forEach((chat, i) => {
      expect(chat.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(chat)).toBe(idOf(attempts[i] as ReadableSpan));
    });
    expect(chats[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-small',
      'gen_ai.response.model': 'gpt-small-2025',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(chats[1]?.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 3 });

    const gates = spans.filter((s) => s.name === 'cascade.gate exact');
    expect(gates.map((g) => parentOf(g))).toEqual(attempts.map(idOf));
    expect(gates[0]?.attributes).toMatchObject({
      'cascade.gate.status': 'fail',
      'cascade.gate.reason': 'mismatch',
      'cascade.gate.score': 0,
    });
    expect(gates[0]?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'escalation',
        {
          'cascade.gate.name': 'exact',
          'cascade.escalation.from_tier': 'small',
          'cascade.escalation.to_tier': 'large',
        },
      ],
    ]);
    expect(gates[1]?.events).toEqual([]);
  });

  it('never records prompt or completion text unless asked to', async () => {
    await cascadeWithEscalation().run({ prompt: 'What is secret?' });
    const text = JSON.stringify(exporter.getFinishedSpans().map((s) => [s.attributes, s.events]));
    expect(text).not.toContain('secret');
    expect(text).not.toContain('right');

    exporter.reset();
    await cascadeWithEscalation(true).run({ prompt: 'What is secret?' });
    const chat = exporter.getFinishedSpans().find((s) => s.name === 'chat gpt-large');
    expect(JSON.parse(String(chat?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', content: 'What is secret?' },
    ]);
    expect(JSON.parse(String(chat?.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', content: 'right' },
    ]);
  });

  it('nests the run under the caller span and provider spans under the chat span', async () => {
    let innerParent: string | undefined;
    const llm = scriptedProvider({
      script: () => {
        innerParent = trace.getActiveSpan()?.spanContext().spanId;
        return { text: 'ok' };
      },
    });
    const cascade = createCascade({ tiers: [{ name: 't', provider: llm, model: 'm', price }] });
    const tracer = trace.getTracer('caller');
    await tracer.startActiveSpan('request handler', async (span) => {
      await cascade.run({ prompt: 'hi' });
      span.end();
    });
    const spans = exporter.getFinishedSpans();
    const handler = spans.find((s) => s.name === 'request handler');
    const run = spans.find((s) => s.name === 'cascade.run');
    const chat = spans.find((s) => s.name === 'chat m');
    expect(parentOf(run as ReadableSpan)).toBe(idOf(handler as ReadableSpan));
    expect(innerParent).toBe(idOf(chat as ReadableSpan));
  });

  it('marks failed calls and exhausted runs as errors', async () => {
    const llm = scriptedProvider({ script: [{ error: { status: 401, message: 'bad key' } }] });
    const cascade = createCascade({ tiers: [{ name: 't', provider: llm, model: 'm', price }] });
    await expect(cascade.run({ prompt: 'hi' })).rejects.toThrow();
    const spans = exporter.getFinishedSpans();
    const chat = spans.find((s) => s.name === 'chat m');
    expect(chat?.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat?.attributes['error.type']).toBe('auth');
    expect(chat?.events.some((e) => e.name === 'exception')).toBe(true);
    const run = spans.find((s) => s.name === 'cascade.run');
    expect(run?.status.code).toBe(SpanStatusCode.ERROR);
    expect(run?.attributes['cascade.outcome']).toBe('exhausted');
  });

  it('uses a tracer passed in the options', async () => {
    const own = new InMemorySpanExporter();
    const ownProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: own })] });
    const llm = scriptedProvider({ script: [{ text: 'ok' }] });
    const cascade = createCascade({
      tiers: [{ name: 't', provider: llm, model: 'm', price }],
      tracer: ownProvider.getTracer('mine'),
    });
    await cascade.run({ prompt: 'hi' });
    expect(own.getFinishedSpans().map((s) => s.name)).toContain('cascade.run');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await ownProvider.shutdown();
  });
});
