import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Attributes, type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** One span as a line of the trace file. Times are Unix nanoseconds as decimal strings (they exceed 2^53). */
export interface SpanJson {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly durationMs: number;
  readonly attributes: Attributes;
  readonly events: readonly { readonly name: string; readonly timeUnixNano: string; readonly attributes: Attributes }[];
  readonly status: { readonly code: 'UNSET' | 'OK' | 'ERROR'; readonly message?: string };
  readonly scope: { readonly name: string; readonly version?: string };
}

const KINDS: Record<SpanKind, SpanJson['kind']> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

function nanos(time: HrTime): string {
  return (BigInt(time[0]) * 1_000_000_000n + BigInt(time[1])).toString();
}

/** Converts a finished span into its trace-file form. */
export function spanToJson(span: ReadableSpan): SpanJson {
  const context = span.spanContext();
  const status = span.status;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    ...(span.parentSpanContext === undefined ? {} : { parentSpanId: span.parentSpanContext.spanId }),
    name: span.name,
    kind: KINDS[span.kind] ?? 'INTERNAL',
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    durationMs: span.duration[0] * 1000 + span.duration[1] / 1e6,
    attributes: span.attributes,
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: nanos(event.time),
      attributes: event.attributes ?? {},
    })),
    status: {
      code: status.code === SpanStatusCode.ERROR ? 'ERROR' : status.code === SpanStatusCode.OK ? 'OK' : 'UNSET',
      ...(status.message === undefined || status.message === '' ? {} : { message: status.message }),
    },
    scope: {
      name: span.instrumentationScope.name,
      ...(span.instrumentationScope.version === undefined ? {} : { version: span.instrumentationScope.version }),
    },
  };
}

export interface JsonLinesSpanExporterOptions {
  /** The trace file. Spans are appended, so a resumed batch adds to the trace of the run it continues. */
  readonly path: string;
  /** Told once when a write fails (disk full); later failures are silent. */
  readonly onError?: (error: unknown) => void;
}

/**
 * A SpanExporter writing one JSON object per span per line, for tracing without a collector: `jq` and a
 * test can read it. Each export is a single synchronous append, so spans are on disk when it returns.
 */
export function jsonLinesSpanExporter(options: JsonLinesSpanExporterOptions): SpanExporter {
  mkdirSync(dirname(options.path), { recursive: true });
  let fd: number | undefined = openSync(options.path, 'a');
  let reported = false;
  return {
    export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
      if (fd === undefined) {
        resultCallback({ code: ExportResultCode.FAILED, error: new Error('the trace file exporter is shut down') });
        return;
      }
      try {
        const text = spans.map((span) => `${JSON.stringify(spanToJson(span))}\n`).join('');
        const bytes = Buffer.from(text, 'utf8');
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
        resultCallback({ code: ExportResultCode.SUCCESS });
      } catch (error) {
        if (!reported) options.onError?.(error);
        reported = true;
        resultCallback({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    },
    async shutdown(): Promise<void> {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
    async forceFlush(): Promise<void> {},
  };
}
