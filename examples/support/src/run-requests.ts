import { createSummaryBuilder, failureRecord, formatSummary, type OutputRecord, successRecord } from '@llm-cascade/cli';
import { type Cascade, CascadeError } from '@llm-cascade/core';
import type { ExampleRequest } from './read-json-lines.ts';

export interface RunRequestsOptions {
  readonly cascade: Cascade;
  readonly requests: readonly ExampleRequest[];
  /** The models the cascade runs on (their replay server): closed after the cascade. */
  readonly models: { close(): Promise<void> };
}

export interface RunRequestsResult {
  /** One per request, in request order, as the CLI writes them: a failed request is a record too. */
  readonly records: OutputRecord[];
  /** Wall time of the whole batch, all requests running at once. */
  readonly durationMs: number;
  /**
   * The summary `llm-cascade run` prints for these records (counts, tiers, gate failures, cost against the
   * top tier, latency), without a trailing newline.
   */
  readonly summary: string;
}

/**
 * Runs every request at once and turns each outcome into the CLI's output record, so the example can print
 * the same summary as `llm-cascade run`. A request that no tier answered (a `CascadeError`) is a record with
 * every attempt kept; anything else is a bug and rejects.
 *
 * It closes the cascade (its gates' workers) and then the models when it ends, even on failure: neither can
 * be used afterwards.
 */
export async function runRequests(options: RunRequestsOptions): Promise<RunRequestsResult> {
  const { cascade, requests, models } = options;
  const started = performance.now();
  let records: OutputRecord[];
  try {
    records = await Promise.all(
      requests.map(async (request): Promise<OutputRecord> => {
        const start = performance.now();
        try {
          return successRecord(request.id, await cascade.run(request));
        } catch (error) {
          // Every tier failed (or the budget ran out): a result like any other, with every attempt kept.
          if (!CascadeError.isInstance(error)) throw error;
          return failureRecord(request.id, error, performance.now() - start);
        }
      }),
    );
  } finally {
    await cascade.close();
    await models.close();
  }
  const durationMs = performance.now() - started;
  const summary = createSummaryBuilder();
  for (const record of records) summary.add(record);
  return { records, durationMs, summary: formatSummary(summary.finish({ durationMs })) };
}
