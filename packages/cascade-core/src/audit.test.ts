import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditRecord } from './audit-run.ts';
import { ConfigError } from './errors.ts';
import { type AuditOptions, type CascadeOptions, createCascade } from './index.ts';
import type { CascadeEvent } from './options.ts';
import { type Script, scriptedGate, scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };

function setup(audit: Partial<AuditOptions> | false, script: Script, overrides: Partial<CascadeOptions> = {}) {
  const provider = scriptedProvider({ script });
  const events: CascadeEvent[] = [];
  const cascade = createCascade({
    tiers: [
      { name: 'small', provider, model: 's', price },
      { name: 'large', provider, model: 'l', price },
    ],
    audit: audit === false ? false : { sampleRate: 1, tier: 'large', compare: 'extracted-answer', ...audit },
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  const records = () => events.flatMap((e) => (e.type === 'audit' ? [e.record] : [])) as AuditRecord[];
  return { provider, cascade, events, records };
}

/** Lets scheduled audits run until `done` holds (bounded), without wall-clock waits. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  if (!done()) throw new Error('the audits did not finish');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('shadow audits', () => {
  it('re-runs an accepted answer on the stronger tier after the caller has its result, and counts agreement', async () => {
    const { provider, cascade, records } = setup({}, { s: [{ text: 'Paris' }], l: [{ text: ' paris. ' }] });
    const result = await cascade.run({ id: 'r1', prompt: 'capital of France?', metadata: { feature: 'geo' } });
    expect(result.tier).toBe('small');
    expect(result.attempts).toHaveLength(1);
    // The caller's promise settled before the audit's call was made.
    expect(provider.calls.map((c) => c.request.model)).toEqual(['s']);
    await cascade.close();
    expect(provider.calls.map((c) => c.request.model)).toEqual(['s', 'l']);
    expect(records()).toEqual([
      expect.objectContaining({
        requestId: 'r1',
        servedTier: 'small',
        auditTier: 'large',
        status: 'agreed',
        compare: 'extracted-answer',
        feature: 'geo',
        servedCostUsd: result.costUsd,
      }),
    ]);
    expect(records()[0]?.auditCostUsd).toBeGreaterThan(0);
    const summary = await cascade.audits();
    expect(summary.agreements).toEqual(
      expect.arrayContaining([
        { scope: 'tier', key: 'small', agreed: 1, total: 1, rate: 1 },
        { scope: 'feature', key: 'geo', agreed: 1, total: 1, rate: 1 },
        expect.objectContaining({ scope: 'gate-path', total: 1 }),
      ]),
    );
  });

  it('audits only answers below the audit tier, at the sample rate, and within maxPerWindow', async () => {
    let now = 0;
    const draws = [0.1, 0.9, 0.1, 0.1, 0.1, 0.1];
    const { cascade, records } = setup(
      { sampleRate: 0.5, maxPerWindow: 2, windowMs: 1_000, random: () => draws.shift() ?? 0, now: () => now },
      { s: [{ text: 'a' }], l: [{ text: 'a' }] },
    );
    for (let i = 0; i < 4; i += 1) await cascade.run({ prompt: `q${i}` });
    await cascade.run({ prompt: 'top' }, { minTier: 'large' });
    await until(() => records().length === 2);
    // Draws 0.1 and 0.1 sampled; 0.9 did not; the fourth sampled run found the window's quota spent.
    now += 1_000;
    await cascade.run({ prompt: 'next window' });
    await cascade.close();
    expect(records()).toHaveLength(3);
    expect(records().every((r) => r.servedTier === 'small')).toBe(true);
  });

  it('judges canonical JSON, gate values, and a user comparison', async () => {
    const json = setup(
      { compare: 'canonical-json' },
      { s: [{ text: '{"a":1,"b":[1,2]}' }], l: [{ text: '```json\n{"b":[1,2],"a":1}\n```' }] },
    );
    await json.cascade.run({ prompt: 'x' });
    await json.cascade.run({ prompt: 'y' });
    await json.cascade.close();
    expect(json.records().map((r) => r.status)).toEqual(['agreed', 'agreed']);

    const gate = scriptedGate({
      name: 'parse',
      results: (c) => ({ status: 'pass', reason: 'ok', value: c.candidate.text.length > 3 }),
    });
    const gates = setup({ compare: 'gates' }, { s: [{ text: 'short' }], l: [{ text: 'x' }] }, { gates: [gate] });
    await gates.cascade.run({ prompt: 'x' });
    await gates.cascade.close();
    expect(gates.records().map((r) => [r.status, r.gatePath])).toEqual([
      ['disagreed', 'min-output-tokens>non-empty>finish-reason>refusal>parse'],
    ]);

    const judge = vi.fn(
      async ({ cheaper, stronger }: { cheaper: { text: string }; stronger: { text: string } }) =>
        cheaper.text.length === stronger.text.length,
    );
    const custom = setup({ compare: judge }, { s: [{ text: 'abc' }], l: [{ text: 'xyz' }] });
    await custom.cascade.run({ prompt: 'x' });
    await custom.cascade.close();
    expect(custom.records()[0]?.status).toBe('agreed');
    expect(judge).toHaveBeenCalledWith(
      expect.objectContaining({ cheaper: expect.objectContaining({ tier: 'small' }) }),
    );
  });

  it('records a failed audit, never throws it', async () => {
    const throwing = setup(
      {
        compare: () => {
          throw new Error('judge down');
        },
      },
      { s: [{ text: 'a' }], l: [{ text: 'a' }] },
    );
    expect((await throwing.cascade.run({ prompt: 'x' })).text).toBe('a');
    await throwing.cascade.close();
    expect(throwing.records()[0]).toMatchObject({ status: 'failed', error: 'judge down' });

    const erroring = setup({}, { s: [{ text: 'a' }], l: [{ error: { status: 400 } }] });
    await erroring.cascade.run({ prompt: 'x' });
    await erroring.cascade.close();
    expect(erroring.records()[0]?.status).toBe('failed');
    expect((await erroring.cascade.audits()).agreements).toEqual([]);
  });

  it('flags drift below the floor, raises the feature floor, and lowers it once agreement recovers', async () => {
    let cheapRight = false;
    const provider = scriptedProvider({
      script: (call) => (call.request.model === 'l' ? { text: 'right' } : { text: cheapRight ? 'right' : 'wrong' }),
    });
    const events: CascadeEvent[] = [];
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 's', price },
        { name: 'large', provider, model: 'l', price },
      ],
      audit: { sampleRate: 1, tier: 'large', compare: 'extracted-answer', floor: 0.5, minAudits: 2, raiseFloor: true },
      onEvent: (event) => events.push(event),
    });
    const audits = () => events.filter((e) => e.type === 'audit').length;
    const legal = { prompt: 'x', metadata: { feature: 'legal' } };
    await cascade.run(legal);
    await cascade.run(legal);
    await until(() => audits() === 2);
    expect(events.filter((e) => e.type === 'audit-drift')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scope: 'feature', key: 'legal', state: 'drift', rate: 0, raisedFloor: 'large' }),
      ]),
    );
    expect((await cascade.audits()).raisedFloors).toEqual([{ feature: 'legal', minTier: 'large' }]);
    // The floor is raised: legal requests start at the large tier, and the audit re-runs the small one.
    cheapRight = true;
    const raised = await cascade.run(legal);
    expect(raised.tier).toBe('large');
    expect((await cascade.run({ prompt: 'x', metadata: { feature: 'faq' } })).tier).toBe('small');
    await until(() => audits() === 4);
    await cascade.run(legal);
    await until(() => audits() === 5);
    const recovered = events.filter(
      (e) => e.type === 'audit-drift' && e.scope === 'feature' && e.state === 'recovered',
    );
    expect(recovered).toEqual([expect.objectContaining({ key: 'legal', raisedFloor: undefined })]);
    expect((await cascade.audits()).raisedFloors).toEqual([]);
    expect((await cascade.run(legal)).tier).toBe('small');
    await cascade.close();
  });

  it('gives each audit its own span, in a new trace, linked to the run it checked', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const { cascade } = setup(
      {},
      { s: [{ text: 'a' }], l: [{ text: 'a' }] },
      { tracer: tracerProvider.getTracer('t') },
    );
    await cascade.run({ prompt: 'x' });
    await cascade.close();
    const spans = exporter.getFinishedSpans();
    const run = spans.find((s) => s.name === 'cascade.run');
    const audit = spans.find((s) => s.name === 'cascade.audit');
    expect(audit?.links.map((l) => l.context.spanId)).toEqual([run?.spanContext().spanId]);
    expect(audit?.spanContext().traceId).not.toBe(run?.spanContext().traceId);
    expect(audit?.attributes).toMatchObject({ 'cascade.audit.status': 'agreed', 'cascade.audit.tier': 'large' });
    const auditAttempt = spans.find((s) => s.name === 'cascade.attempt large');
    expect(auditAttempt?.parentSpanContext?.spanId).toBe(audit?.spanContext().spanId);
    await tracerProvider.shutdown();
  });

  it('keeps counting in this process when the audit store fails', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const broken = {
      record: () => Promise.reject(new Error('down')),
      counts: () => Promise.reject(new Error('down')),
      keys: () => Promise.reject(new Error('down')),
    };
    const { cascade, events } = setup({}, { s: [{ text: 'a' }], l: [{ text: 'a' }] }, { stores: { audit: broken } });
    await cascade.run({ prompt: 'x' });
    await cascade.close();
    expect(events.find((e) => e.type === 'store-fallback')).toMatchObject({ store: 'audit', operation: 'record' });
    expect((await cascade.audits()).agreements).toEqual(
      expect.arrayContaining([{ scope: 'tier', key: 'small', agreed: 1, total: 1, rate: 1 }]),
    );
  });

  it('rejects bad audit options when the cascade is built', () => {
    const script = { s: [{ text: 'a' }] };
    expect(() => setup({ sampleRate: 2 }, script)).toThrow('audit.sampleRate');
    expect(() => setup({ tier: 'huge' }, script)).toThrow('audit.tier');
    expect(() => setup({ compare: 'fuzzy' as never }, script)).toThrow('audit.compare');
    expect(() => setup({ raiseFloor: true }, script)).toThrow('audit.raiseFloor');
    expect(() => setup({ sample: 1 } as never, script)).toThrow(ConfigError);
  });
});
