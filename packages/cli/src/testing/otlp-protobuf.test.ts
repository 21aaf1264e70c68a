import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest } from './otlp-protobuf.ts';

// The decoder is checked against the OpenTelemetry encoder itself, so the OTLP tests can trust it.
describe('decodeTraceRequest', () => {
  it('reads back what ProtobufTraceSerializer encodes', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'decoder-test' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer('scope-a', '1.2.3');
    const parent = tracer.startSpan('parent', { kind: SpanKind.INTERNAL });
    const child = tracer.startSpan(
      'child',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          text: 'héllo',
          count: 42,
          negative: -7,
          ratio: 0.25,
          flag: true,
          list: ['a', 'b'],
          numbers: [1, 2.5],
        },
      },
      // Parent through the context API, as the engine does.
      trace.setSpan(context.active(), parent),
    );
    child.addEvent('escalation', { 'cascade.gate.name': 'schema' });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    child.end();
    parent.end();

    const spans = exporter.getFinishedSpans();
    const bytes = ProtobufTraceSerializer.serializeRequest(spans);
    expect(bytes).toBeDefined();
    const decoded = decodeTraceRequest(bytes as Uint8Array);
    expect(decoded).toHaveLength(2);
    const decodedChild = decoded.find((s) => s.name === 'child');
    const decodedParent = decoded.find((s) => s.name === 'parent');
    expect(decodedChild).toBeDefined();
    expect(decodedParent).toBeDefined();
    expect(decodedChild?.traceId).toBe(spans[0]?.spanContext().traceId);
    expect(decodedParent?.spanId).toBe(parent.spanContext().spanId);
    expect(decodedChild?.parentSpanId).toBe(parent.spanContext().spanId);
    expect(decodedParent?.parentSpanId).toBe('');
    expect(decodedChild?.kind).toBe(3);
    expect(decodedParent?.kind).toBe(1);
    expect(decodedChild?.attributes).toEqual({
      text: 'héllo',
      count: 42,
      negative: -7,
      ratio: 0.25,
      flag: true,
      list: ['a', 'b'],
      numbers: [1, 2.5],
    });
    expect(decodedChild?.events).toHaveLength(1);
    expect(decodedChild?.events[0]?.name).toBe('escalation');
    expect(decodedChild?.events[0]?.attributes).toEqual({ 'cascade.gate.name': 'schema' });
    expect(decodedChild?.status).toEqual({ code: 2, message: 'boom' });
    expect(decodedChild?.scope).toEqual({ name: 'scope-a', version: '1.2.3' });
    expect(decodedChild?.resource['service.name']).toBe('decoder-test');
    const [seconds, nanos] = spans.find((s) => s.name === 'child')?.startTime ?? [0, 0];
    expect(decodedChild?.startTimeUnixNano).toBe(BigInt(seconds) * 1_000_000_000n + BigInt(nanos));
    expect((decodedChild?.endTimeUnixNano ?? 0n) >= (decodedChild?.startTimeUnixNano ?? 1n)).toBe(true);
  });

  it('rejects a truncated payload instead of returning partial spans silently', () => {
    const bytes = new Uint8Array([0x0a, 0x10, 0x01]);
    expect(() => decodeTraceRequest(bytes)).toThrow(RangeError);
  });
});
