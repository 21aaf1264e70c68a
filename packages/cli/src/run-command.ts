import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Cascade } from '@llm-cascade/core';
import { asUsageError, type CommandIo, onInterrupt, parseWholeNumber, reportError } from './command-io.ts';
import { EXIT_CODES, type ExitCode, UsageError } from './exit-codes.ts';
import { RUN_HELP } from './help.ts';
import { loadCascadeConfig } from './load-cascade-config.ts';
import { unusableOutputReason } from './output-file.ts';
import { createProgress, type ProgressMode } from './progress.ts';
import { DEFAULT_CONCURRENCY, runBatch } from './run-batch.ts';
import { type BatchSummary, formatSummary } from './summary.ts';
import { startTracing, type Tracing } from './tracing.ts';

const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'off'];
/** Bound on `cascade.close()` at exit: a gate's worker that will not stop must not hold the command. */
const CLOSE_TIMEOUT_MS = 5000;

interface RunFlags {
  readonly config: string;
  readonly input: string;
  readonly output: string;
  readonly concurrency: number;
  readonly otlp: string | undefined;
  readonly traceFile: string | undefined;
  readonly summaryJson: string | undefined;
  readonly progress: ProgressMode;
  readonly progressEvery: number | undefined;
  readonly budgetUsd: number | undefined;
  readonly minTier: string | undefined;
  readonly profile: string | undefined;
  readonly maxLineBytes: number | undefined;
}

function parseRunFlags(argv: readonly string[]): RunFlags | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string', short: 'c' },
      input: { type: 'string', short: 'i' },
      output: { type: 'string', short: 'o' },
      concurrency: { type: 'string', short: 'n' },
      otlp: { type: 'string' },
      'trace-file': { type: 'string' },
      'summary-json': { type: 'string' },
      progress: { type: 'string' },
      'progress-every': { type: 'string' },
      'budget-usd': { type: 'string' },
      'min-tier': { type: 'string' },
      profile: { type: 'string' },
      'max-line-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const missing = (['config', 'input', 'output'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  const progress = (values.progress ?? 'auto') as ProgressMode;
  if (!PROGRESS_MODES.includes(progress)) {
    throw new UsageError(
      `--progress must be one of ${PROGRESS_MODES.join(', ')}, got ${JSON.stringify(values.progress)}`,
    );
  }
  return {
    config: values.config as string,
    input: values.input as string,
    output: values.output as string,
    concurrency: parseWholeNumber('--concurrency', values.concurrency, 1, 100_000) ?? DEFAULT_CONCURRENCY,
    otlp: values.otlp,
    traceFile: values['trace-file'],
    summaryJson: values['summary-json'],
    progress,
    progressEvery: parseWholeNumber('--progress-every', values['progress-every'], 1, Number.MAX_SAFE_INTEGER),
    budgetUsd: parseBudget(values['budget-usd']),
    minTier: values['min-tier'],
    profile: values.profile,
    maxLineBytes: parseWholeNumber('--max-line-bytes', values['max-line-bytes'], 1, Number.MAX_SAFE_INTEGER),
  };
}

function parseBudget(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`--budget-usd must be a number of dollars at least 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Checks the results file before anything starts (no config loaded, no tracing): it is read back to
 * resume and appended to, so a FIFO, a device or a file under /proc would block, swallow or refuse it.
 */
async function checkOutput(flags: RunFlags): Promise<void> {
  const reason = await unusableOutputReason(flags.output);
  if (reason !== undefined) throw new UsageError(`--output must be a regular file: ${reason}`);
}

/** 0 when everything in the output file is accepted and no input line was malformed, else 1. */
export function batchExitCode(summary: BatchSummary): ExitCode {
  const failed = summary.counts.failed + summary.counts.malformed + summary.previous.failed;
  return failed > 0 ? EXIT_CODES.failed : EXIT_CODES.ok;
}

async function closeWithin(cascade: Cascade, io: CommandIo): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((settle) => {
    timer = setTimeout(() => {
      io.stderr.write(`llm-cascade run: warning: cascade.close() did not finish within ${CLOSE_TIMEOUT_MS} ms\n`);
      settle();
    }, CLOSE_TIMEOUT_MS);
    timer.unref();
  });
  await Promise.race([
    cascade.close().catch((error: unknown) => {
      io.stderr.write(
        `llm-cascade run: warning: cascade.close() failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }),
    timeout,
  ]);
  clearTimeout(timer);
}

/**
 * `llm-cascade run`: the batch pipeline. Returns the exit code; never throws. The first SIGINT or SIGTERM
 * stops taking lines, aborts runs in flight (they are not written, so a rerun does them), flushes, prints
 * the summary and returns 130 (143 for SIGTERM); a second one exits at once.
 */
export async function runCommand(argv: readonly string[], io: CommandIo): Promise<ExitCode> {
  let flags: RunFlags | 'help';
  try {
    flags = parseRunFlags(argv);
    if (flags !== 'help') await checkOutput(flags);
  } catch (error) {
    return reportError(io, 'run', asUsageError(error));
  }
  if (flags === 'help') {
    io.stdout.write(`${RUN_HELP}\n`);
    return EXIT_CODES.ok;
  }
  const progress = createProgress({
    mode: flags.progress,
    stream: io.stderr,
    ...(flags.progressEvery === undefined ? {} : { everyItems: flags.progressEvery }),
  });
  let tracing: Tracing | undefined;
  let cascade: Cascade | undefined;
  let interruptedBy: 'SIGINT' | 'SIGTERM' | undefined;
  const controller = new AbortController();
  const removeHandlers = onInterrupt(
    (signal) => {
      interruptedBy = signal;
      progress.log(
        `llm-cascade run: ${signal}: stopping; runs in flight are aborted and will be redone next time (again to quit at once)`,
      );
      controller.abort(new Error(`interrupted by ${signal}`));
    },
    (signal) => {
      progress.stop();
      io.stderr.write(`llm-cascade run: ${signal} again: exiting now\n`);
      process.exit(signal === 'SIGTERM' ? EXIT_CODES.terminated : EXIT_CODES.interrupted);
    },
  );
  try {
    tracing = startTracing({
      ...(flags.otlp === undefined ? {} : { otlpEndpoint: flags.otlp }),
      ...(flags.traceFile === undefined ? {} : { traceFile: flags.traceFile }),
      env: io.env,
      warn: (message) => progress.log(`llm-cascade run: warning: ${message}`),
    });
    // A tuned profile is handed to the config's exported function, which builds the cascade from it (applyProfile).
    const profile =
      flags.profile === undefined ? undefined : await (await import('@llm-cascade/eval')).loadProfile(flags.profile);
    cascade = await loadCascadeConfig(flags.config, profile === undefined ? undefined : { profile });
    const minTier = flags.minTier;
    if (minTier !== undefined) {
      const known = /^\d+$/.test(minTier)
        ? Number(minTier) < cascade.tiers.length
        : cascade.tiers.some((t) => t.name === minTier);
      if (!known) {
        throw new UsageError(
          `--min-tier names no tier: ${JSON.stringify(minTier)} (tiers: ${cascade.tiers.map((t) => t.name).join(', ')})`,
        );
      }
    }
    const summary = await runBatch({
      cascade,
      input: flags.input,
      output: flags.output,
      concurrency: flags.concurrency,
      signal: controller.signal,
      progress,
      ...(flags.maxLineBytes === undefined ? {} : { maxLineBytes: flags.maxLineBytes }),
      // A tier name, or an index when the flag is all digits.
      runOptions: {
        ...(flags.budgetUsd === undefined ? {} : { budgetUsd: flags.budgetUsd }),
        ...(flags.minTier === undefined
          ? {}
          : { minTier: /^\d+$/.test(flags.minTier) ? Number(flags.minTier) : flags.minTier }),
      },
    });
    const code: ExitCode =
      interruptedBy === undefined
        ? batchExitCode(summary)
        : interruptedBy === 'SIGTERM'
          ? EXIT_CODES.terminated
          : EXIT_CODES.interrupted;
    io.stderr.write(`${formatSummary(summary)}\n`);
    if (flags.summaryJson !== undefined) {
      mkdirSync(dirname(flags.summaryJson), { recursive: true });
      writeFileSync(flags.summaryJson, `${JSON.stringify({ ...summary, exitCode: code }, null, 2)}\n`);
    }
    return code;
  } catch (error) {
    progress.stop();
    return reportError(io, 'run', error);
  } finally {
    progress.stop();
    if (cascade !== undefined) await closeWithin(cascade, io);
    await tracing?.shutdown();
    removeHandlers();
  }
}
