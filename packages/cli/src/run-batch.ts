import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Cascade, CascadeError, type CascadeRequest, ConfigError, type RunOptions } from '@llm-cascade/core';
import { countLines, type LineSource, readLines } from '@llm-cascade/provider-replay';
import { openAppender, unusableOutputReason } from './output-file.ts';
import { failureRecord, type OutputRecord, successRecord, toJsonLine } from './output-record.ts';
import { readOutputState } from './output-state.ts';
import { createProgress, type ProgressOptions, type ProgressReporter } from './progress.ts';
import { type BatchSummary, createSummaryBuilder } from './summary.ts';

/** Requests in flight at once when the caller gives no `concurrency`. */
export const DEFAULT_CONCURRENCY = 16;
/** Malformed or duplicate lines printed one by one; further ones are only counted. */
const MAX_LINE_MESSAGES = 20;

export interface RunBatchOptions {
  /** A cascade built with `createCascade`. `runBatch` does not close it. */
  readonly cascade: Cascade;
  /** JSONL of CascadeRequest objects: a file path, `-` for standard input, or a readable stream. */
  readonly input: LineSource;
  /**
   * JSONL results, appended one line per item as it settles. Ids already in the file are skipped, so
   * running again after an interruption resumes without losing or repeating anything.
   */
  readonly output: string;
  /** Requests in flight at once; the tiers' own `maxConcurrency` still applies. Default 16. */
  readonly concurrency?: number;
  /**
   * Interrupts the batch: no new line is started, runs in flight are aborted and not written (the next run
   * does them), and the summary is returned with `interrupted: true`.
   */
  readonly signal?: AbortSignal;
  /** Passed to every `cascade.run` (quality floor, per-item budget, metadata). */
  readonly runOptions?: Omit<RunOptions, 'signal'>;
  /** The progress display, or its options. Default: a bar on a terminal, plain lines otherwise, on stderr. */
  readonly progress?: ProgressOptions | ProgressReporter;
  /** Called with each record after it is written. A throwing callback is ignored. */
  readonly onRecord?: (record: OutputRecord) => void;
  /**
   * A longer input or output line stops the batch with `LineTooLongError` (a `ConfigError` naming the
   * file and line). Default 64 MiB.
   */
  readonly maxLineBytes?: number;
}

type ParsedLine = { readonly id: string; readonly request: CascadeRequest } | { readonly problem: string };

/**
 * Lines without an `id` are named after their line number (`line-7`), so a resumed run over the same
 * input file recognises them. Adding or removing lines above them changes those names: give ids.
 */
function parseLine(text: string, lineNumber: number): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object' };
  const request = value as CascadeRequest & { id?: unknown; prompt?: unknown; messages?: unknown };
  let id: string;
  if (request.id === undefined) id = `line-${lineNumber}`;
  else if (typeof request.id === 'string' && request.id.length > 0) id = request.id;
  else if (typeof request.id === 'number' && Number.isFinite(request.id)) id = String(request.id);
  else return { problem: '"id" must be a non-empty string or a number' };
  if (typeof request.prompt !== 'string' && !Array.isArray(request.messages)) {
    return { problem: 'needs a "prompt" string or a "messages" array' };
  }
  return { id, request: { ...request, id } };
}

function isProgressReporter(value: RunBatchOptions['progress']): value is ProgressReporter {
  return typeof (value as ProgressReporter | undefined)?.update === 'function';
}

async function checkPaths(input: LineSource, output: string): Promise<void> {
  if (typeof input === 'string' && input !== '-') {
    const info = await stat(input).catch(() => undefined);
    if (info === undefined) throw new ConfigError('input', `file not found: ${input}`);
    if (!info.isFile()) throw new ConfigError('input', `not a file: ${input}`);
    if (resolve(input) === resolve(output)) throw new ConfigError('output', 'must not be the input file');
  }
  const unusable = await unusableOutputReason(output);
  if (unusable !== undefined) throw new ConfigError('output', unusable);
}

/**
 * Settles with the work's value, or with `'aborted'` as soon as the signal fires. Unlike `Promise.race` with
 * one long-lived abort promise, it leaves nothing behind per call: a race against a promise that never
 * settles keeps a reaction (and the value it carried) for every call, a leak that grows with the input.
 */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.resolve('aborted');
  }
  return new Promise((settle, reject) => {
    const onAbort = (): void => settle('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        settle(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Hands out `size` slots in arrival order; `release` passes a slot straight to the next waiter. */
function createSlots(size: number): { acquire(): Promise<void>; release(): void } {
  let free = size;
  const waiters: (() => void)[] = [];
  return {
    acquire() {
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise((grant) => waiters.push(grant));
    },
    release() {
      const next = waiters.shift();
      if (next === undefined) free += 1;
      else next();
    },
  };
}

/**
 * Runs a JSONL file of requests through a cascade as a stream: at most `concurrency` requests in flight,
 * the input read no faster than they finish, each result appended to the output as it settles. Resumable
 * (ids already in the output are skipped; a torn last line from a crash is repaired), interruptible
 * through `signal`, and tolerant of bad lines (reported with their line number, counted, skipped).
 *
 * Throws `ConfigError` for a missing input file or bad options, before any work starts. Everything that
 * goes wrong per item is a failure record in the output, never a rejected batch.
 */
export async function runBatch(options: RunBatchOptions): Promise<BatchSummary> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new ConfigError('concurrency', `must be a whole number at least 1, got ${concurrency}`);
  }
  const maxLineBytes = options.maxLineBytes;
  if (maxLineBytes !== undefined && !(Number.isSafeInteger(maxLineBytes) && maxLineBytes >= 1)) {
    throw new ConfigError('maxLineBytes', `must be a whole number of bytes at least 1, got ${maxLineBytes}`);
  }
  const cascade = options.cascade as Partial<Cascade> | undefined;
  if (typeof cascade?.run !== 'function')
    throw new ConfigError('cascade', 'must be a cascade built with createCascade');
  await checkPaths(options.input, options.output);

  const progress = isProgressReporter(options.progress) ? options.progress : createProgress(options.progress);
  const started = performance.now();
  const summary = createSummaryBuilder();
  const lineOptions = maxLineBytes === undefined ? {} : { maxLineBytes };
  const state = await readOutputState(options.output, lineOptions);
  summary.setPrevious({ ok: state.ok, failed: state.failed });
  if (state.truncatedBytes > 0) {
    progress.log(
      `output: removed a torn last line (${state.truncatedBytes} bytes, from an interrupted write); its item runs again`,
    );
  }
  if (state.unreadableLines.length > 0) {
    progress.log(
      `output: ${state.unreadableLines.length} line(s) are not results and are ignored (line ${state.unreadableLines.slice(0, 5).join(', ')}${state.unreadableLines.length > 5 ? ', ...' : ''})`,
    );
  }

  const appender = await openAppender(options.output);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  let total: number | undefined;
  countLines(options.input).then(
    (count) => {
      total = count;
    },
    () => {},
  );
  const slots = createSlots(concurrency);
  const pending = new Set<Promise<void>>();
  const startedIds = new Set<string>();
  let inFlight = 0;
  let lineMessages = 0;
  let reachedEnd = false;
  let writeFailure: unknown;

  const report = (): void => {
    progress.update({ counts: summary.counts, total, costUsd: summary.totalUsd, inFlight });
  };
  const lineMessage = (message: string): void => {
    lineMessages += 1;
    if (lineMessages <= MAX_LINE_MESSAGES) progress.log(message);
    else if (lineMessages === MAX_LINE_MESSAGES + 1) {
      progress.log('input: further malformed or duplicate lines are counted but not printed');
    }
  };

  const runItem = async (id: string, request: CascadeRequest): Promise<void> => {
    const itemStarted = performance.now();
    let record: OutputRecord;
    try {
      try {
        const result = await options.cascade.run(request, { ...options.runOptions, signal: controller.signal });
        record = successRecord(id, result);
      } catch (error) {
        if (controller.signal.aborted && CascadeError.isInstance(error) && error.code === 'ABORTED') {
          // Cut short by the interrupt: not written, so the next run does it whole.
          summary.addInterrupted();
          return;
        }
        record = failureRecord(id, error, performance.now() - itemStarted);
      }
      try {
        await appender.write(toJsonLine(record));
      } catch (error) {
        // The output cannot be written (disk full, file removed): stop the batch rather than lose results.
        writeFailure ??= error;
        controller.abort(error);
        return;
      }
      summary.add(record);
      try {
        options.onRecord?.(record);
      } catch {
        // A faulty observer must not lose the batch.
      }
    } finally {
      inFlight -= 1;
      slots.release();
      report();
    }
  };

  const lines = readLines(options.input, lineOptions)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await unlessAborted(lines.next(), controller.signal);
      if (next === 'aborted') break;
      if (next.done === true) {
        reachedEnd = true;
        break;
      }
      const { lineNumber, text } = next.value;
      if (text.trim() === '') continue;
      const parsed = parseLine(text, lineNumber);
      if ('problem' in parsed) {
        summary.addMalformed();
        lineMessage(`input line ${lineNumber}: skipped, ${parsed.problem}`);
        report();
        continue;
      }
      if (state.ids.has(parsed.id)) {
        summary.addSkipped();
        report();
        continue;
      }
      if (startedIds.has(parsed.id)) {
        summary.addDuplicate();
        lineMessage(`input line ${lineNumber}: skipped, id ${JSON.stringify(parsed.id)} appears earlier in the input`);
        report();
        continue;
      }
      if ((await unlessAborted(slots.acquire(), controller.signal)) === 'aborted') break;
      startedIds.add(parsed.id);
      inFlight += 1;
      const task = runItem(parsed.id, parsed.request);
      pending.add(task);
      void task.finally(() => pending.delete(task));
      report();
    }
  } finally {
    // Not awaited: on standard input a pending read may never end, and the stream is closed either way.
    void lines.return?.(undefined).catch(() => {});
    // Interrupted while waiting on standard input: nothing more will be read, so let the process exit.
    if (!reachedEnd && options.input === '-') process.stdin.destroy();
    await Promise.allSettled([...pending]);
    await appender.close();
    options.signal?.removeEventListener('abort', onAbort);
    progress.stop();
  }
  if (writeFailure !== undefined) throw writeFailure;
  return summary.finish({
    interrupted: controller.signal.aborted && (!reachedEnd || summary.counts.interrupted > 0),
    durationMs: performance.now() - started,
  });
}
