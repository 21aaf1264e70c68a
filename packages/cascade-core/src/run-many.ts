import pLimit from 'p-limit';
import type { CascadeRequest } from './contracts.ts';
import { CascadeError, ConfigError } from './errors.ts';
import type { RunManyOptions, RunOptions } from './options.ts';
import type { BatchItem, CascadeResult } from './result.ts';

const DEFAULT_BATCH_CONCURRENCY = 16;

/**
 * Runs a batch through `run`, `concurrency` at a time; results come back in input order and a failed item
 * is a value, never a rejected batch.
 */
export async function runMany<TValue>(
  run: (request: CascadeRequest, options: RunOptions) => Promise<CascadeResult<TValue>>,
  requests: readonly CascadeRequest[],
  options: RunManyOptions,
): Promise<BatchItem<TValue>[]> {
  const concurrency = options.concurrency ?? DEFAULT_BATCH_CONCURRENCY;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new ConfigError('concurrency', `must be a whole number at least 1, got ${concurrency}`);
  }
  const limit = pLimit(concurrency);
  let done = 0;
  let failed = 0;
  const { onProgress, onItem, concurrency: _, signal, ...runOptions } = options;
  // One listener on the caller's signal fans out to a signal per run: thousands of runs each adding their
  // own listener to one shared signal would make every add and remove scan all the others.
  const running = new Set<AbortController>();
  const abortAll = () => {
    for (const controller of running) controller.abort(signal?.reason);
  };
  signal?.addEventListener('abort', abortAll, { once: true });
  try {
    return await Promise.all(
      requests.map((request, index) =>
        limit(async (): Promise<BatchItem<TValue>> => {
          const controller = new AbortController();
          if (signal?.aborted) controller.abort(signal.reason);
          running.add(controller);
          let item: BatchItem<TValue>;
          try {
            item = { ok: true, index, result: await run(request, { ...runOptions, signal: controller.signal }) };
          } catch (error) {
            failed += 1;
            item = { ok: false, index, error: CascadeError.from(error) };
          } finally {
            running.delete(controller);
          }
          done += 1;
          try {
            onItem?.(item as BatchItem);
            onProgress?.({ done, total: requests.length, failed });
          } catch {
            // A faulty progress callback must not lose the batch's results.
          }
          return item;
        }),
      ),
    );
  } finally {
    signal?.removeEventListener('abort', abortAll);
  }
}
