export { runCli } from './cli.ts';
export type { CommandIo } from './command-io.ts';
export type { ExitCode } from './exit-codes.ts';
export { EXIT_CODES, UsageError } from './exit-codes.ts';
export type { JsonLinesSpanExporterOptions, SpanJson } from './json-lines-span-exporter.ts';
export { jsonLinesSpanExporter, spanToJson } from './json-lines-span-exporter.ts';
export { loadCascadeConfig } from './load-cascade-config.ts';
export type {
  FailureRecord,
  OutputRecord,
  SerialisedAttempt,
  SerialisedError,
  SuccessRecord,
} from './output-record.ts';
export { failureRecord, serialiseAttempt, serialiseError, successRecord, toJsonLine } from './output-record.ts';
export type { OutputState } from './output-state.ts';
export { readOutputState } from './output-state.ts';
export type {
  ProgressMode,
  ProgressOptions,
  ProgressReporter,
  ProgressSnapshot,
  ProgressStream,
} from './progress.ts';
export { createProgress } from './progress.ts';
export { renderReport } from './report.ts';
export type { RunBatchOptions } from './run-batch.ts';
export { DEFAULT_CONCURRENCY, runBatch } from './run-batch.ts';
export { batchExitCode } from './run-command.ts';
export type { BatchCost, BatchCounts, BatchSummary, SummaryBuilder, TierShare } from './summary.ts';
export { createSummaryBuilder, formatSummary, summarise } from './summary.ts';
export type { Tracing, TracingOptions } from './tracing.ts';
export { resolveOtlpUrl, startTracing } from './tracing.ts';
