import { ConfigError } from '@llm-cascade/core';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ExportResult, ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { jsonLinesSpanExporter } from './json-lines-span-exporter.ts';

type Environment = Readonly<Record<string, string | undefined>>;

export interface TracingOptions {
  /**
   * OTLP/HTTP (protobuf) collector: a base URL (`http://localhost:4318`, `/v1/traces` is appended) or a full
   * traces URL ending in `/v1/traces`. Without it, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` appended) are read from `env`.
   */
  readonly otlpEndpoint?: string;
  /** Also (or instead) write spans as JSON lines to this file. */
  readonly traceFile?: string;
  /** Where the standard OTEL_* variables are read. Default `process.env`. */
  readonly env?: Environment;
  /** `service.name` of the resource. Default `OTEL_SERVICE_NAME`, else `llm-cascade`. */
  readonly serviceName?: string;
  /** Receives the single warning about a collector that cannot be reached. Default: a line on stderr. */
  readonly warn?: (message: string) => void;
  /** Upper bound on `shutdown()`, flushing included: a collector that hangs cannot hold the process. Default 5,000. */
  readonly shutdownTimeoutMs?: number;
  /**
   * Time one OTLP export may take, retries included. Default `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, else
   * `OTEL_EXPORTER_OTLP_TIMEOUT`, else 5,000 ms.
   */
  readonly exportTimeoutMs?: number;
  /** How long the batch processor gathers spans before an export. Default 1,000 ms. */
  readonly scheduledDelayMs?: number;
}

/** Registered tracing. Call `shutdown` once, at exit: it flushes what is buffered, within the time bound. */
export interface Tracing {
  /** False when neither an endpoint nor a trace file was given: nothing was registered. */
  readonly enabled: boolean;
  /** The OTLP traces URL spans go to, when exporting over OTLP. */
  readonly otlpUrl: string | undefined;
  readonly traceFile: string | undefined;
  /** Flushes and shuts the SDK down. Never rejects, resolves within `shutdownTimeoutMs`. */
  shutdown(): Promise<void>;
}

const TRACES_PATH = 'v1/traces';

function appendTracesPath(base: string): string {
  return base.endsWith('/') ? `${base}${TRACES_PATH}` : `${base}/${TRACES_PATH}`;
}

/** The OTLP traces URL from the explicit endpoint or the standard environment variables, if any. */
export function resolveOtlpUrl(endpoint: string | undefined, env: Environment): string | undefined {
  let url: string | undefined;
  let field = 'otlp';
  if (endpoint !== undefined && endpoint !== '') {
    url = new URL(endpoint, 'http://invalid').pathname.endsWith(`/${TRACES_PATH}`)
      ? endpoint
      : appendTracesPath(endpoint);
  } else if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') {
    return undefined;
  } else if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    field = 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT';
  } else if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    url = appendTracesPath(env.OTEL_EXPORTER_OTLP_ENDPOINT);
    field = 'OTEL_EXPORTER_OTLP_ENDPOINT';
  }
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(field, `not a valid URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(field, `must be an http:// or https:// URL, got ${url}`);
  }
  return url;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** Reports failed exports through `onFailure`; the SDK itself only logs them to a diag logger nobody sees. */
function watchExports(exporter: SpanExporter, onFailure: (error: unknown) => void): SpanExporter {
  return {
    export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) onFailure(result.error ?? new Error('export failed'));
        resultCallback(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

function exportTimeout(options: TracingOptions, env: Environment): number {
  if (options.exportTimeoutMs !== undefined) return options.exportTimeoutMs;
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT']) {
    const value = Number(env[name]);
    if (env[name] !== undefined && Number.isFinite(value) && value > 0) return value;
  }
  return 5000;
}

function within<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((settle) => {
    timer = setTimeout(() => settle('timeout'), Math.max(0, ms));
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers the OpenTelemetry SDK for a command: an OTLP/HTTP protobuf exporter behind a batch processor
 * when an endpoint is configured, a JSON-lines trace file when asked, the AsyncLocalStorage context
 * manager and the W3C trace-context propagator. The library never does this; only an application should.
 *
 * A collector that is down or slow yields one warning, never an exception or a hang: failed exports are
 * reported once, and `shutdown()` is bounded by `shutdownTimeoutMs`. When another SDK is already
 * registered globally, nothing is replaced and a warning says so.
 */
export function startTracing(options: TracingOptions = {}): Tracing {
  const env = options.env ?? process.env;
  const otlpUrl = resolveOtlpUrl(options.otlpEndpoint, env);
  const traceFile = options.traceFile === '' ? undefined : options.traceFile;
  if (otlpUrl === undefined && traceFile === undefined) {
    return { enabled: false, otlpUrl: undefined, traceFile: undefined, shutdown: async () => {} };
  }
  const warn = options.warn ?? ((message: string) => void process.stderr.write(`${message}\n`));
  let warned = false;
  const warnOnce = (message: string): void => {
    if (warned) return;
    warned = true;
    warn(`${message} (further tracing errors are not reported)`);
  };

  const scheduledDelayMillis = options.scheduledDelayMs ?? 1000;
  const processors: BatchSpanProcessor[] = [];
  if (otlpUrl !== undefined) {
    const exporter = new OTLPTraceExporter({ url: otlpUrl, timeoutMillis: exportTimeout(options, env) });
    processors.push(
      new BatchSpanProcessor({
        exporter: watchExports(exporter, (error) =>
          warnOnce(`tracing: could not export spans to ${otlpUrl}: ${errorMessage(error)}`),
        ),
        scheduledDelayMillis,
      }),
    );
  }
  if (traceFile !== undefined) {
    const exporter = jsonLinesSpanExporter({
      path: traceFile,
      onError: (error) => warnOnce(`tracing: could not write the trace file ${traceFile}: ${errorMessage(error)}`),
    });
    processors.push(new BatchSpanProcessor({ exporter, scheduledDelayMillis }));
  }
  const serviceName = options.serviceName ?? (env.OTEL_SERVICE_NAME || 'llm-cascade');
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': serviceName })),
    spanProcessors: processors,
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const registered = trace.setGlobalTracerProvider(provider);
  if (!registered) {
    warn('tracing: another OpenTelemetry SDK is already registered in this process; llm-cascade left it in place');
  } else {
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  }

  let shutdownPromise: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    const limitMs = options.shutdownTimeoutMs ?? 5000;
    const deadline = performance.now() + limitMs;
    const flushed = await within(
      provider.forceFlush().then(
        () => 'ok' as const,
        (error: unknown) => {
          warnOnce(
            `tracing: could not export spans${otlpUrl === undefined ? '' : ` to ${otlpUrl}`}: ${errorMessage(error)}`,
          );
          return 'failed' as const;
        },
      ),
      limitMs,
    );
    if (flushed === 'timeout') {
      warnOnce(
        `tracing: spans were not delivered to ${otlpUrl ?? 'the exporter'} within ${limitMs} ms (collector down or not answering); they were dropped`,
      );
    }
    await within(
      provider.shutdown().catch((error: unknown) => warnOnce(`tracing: shutdown failed: ${errorMessage(error)}`)),
      Math.max(100, deadline - performance.now()),
    );
    if (registered) {
      trace.disable();
      context.disable();
      propagation.disable();
    }
    contextManager.disable();
  };
  return {
    enabled: true,
    otlpUrl,
    traceFile,
    shutdown() {
      shutdownPromise ??= shutdown();
      return shutdownPromise;
    },
  };
}
