import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAccuracyPoints } from './accuracy-points.ts';
import { profileJson, type TuneTarget } from './cascade-profile.ts';
import {
  EVAL_EXIT_CODES,
  type EvalCommandIo,
  type EvalExitCode,
  EvalUsageError,
  parseNumberFlag,
  reportCommandError,
} from './command-io.ts';
import { TUNE_HELP } from './help.ts';
import type { LadderOrder } from './ladder-space.ts';
import { SCORING_MODES, type ScoringMode } from './score-answer.ts';
import { type TuneOptions, type TuneReport, tune } from './tune.ts';
import { tuneChart } from './tune-chart.ts';
import { formatTuneReport } from './tune-report.ts';

async function writeOutput(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

interface TuneFlags {
  readonly options: TuneOptions;
  readonly profile?: string;
  readonly markdown?: string;
  readonly svg?: string;
  readonly json?: string;
}

function parseTarget(values: Record<string, string | boolean | string[] | undefined>): TuneTarget | undefined {
  const given = ['within', 'max-relative-cost', 'lambda'].filter((flag) => values[flag] !== undefined);
  if (given.length > 1) throw new EvalUsageError(`give at most one of --${given.join(', --')}`);
  if (values.within !== undefined) {
    const points = parseAccuracyPoints(values.within as string);
    if (points === undefined) {
      throw new EvalUsageError(
        `--within must be points like 1pt (or a fraction like 0.01), got ${JSON.stringify(values.within)}`,
      );
    }
    return { kind: 'within', points };
  }
  const cap = parseNumberFlag('--max-relative-cost', values['max-relative-cost'] as string | undefined, 0, 1e6);
  if (cap !== undefined) return { kind: 'max-relative-cost', value: cap };
  const lambda = parseNumberFlag('--lambda', values.lambda as string | undefined, 0, 1e6);
  return lambda === undefined ? undefined : { kind: 'lambda', lambda };
}

function parseTuneFlags(argv: readonly string[]): TuneFlags | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string', short: 'd' },
      fit: { type: 'string' },
      test: { type: 'string' },
      holdout: { type: 'string' },
      seed: { type: 'string' },
      config: { type: 'string', short: 'c' },
      within: { type: 'string' },
      'max-relative-cost': { type: 'string' },
      lambda: { type: 'string' },
      set: { type: 'string', multiple: true },
      'max-tiers': { type: 'string' },
      order: { type: 'string' },
      folds: { type: 'string' },
      repeats: { type: 'string' },
      confidence: { type: 'string' },
      scoring: { type: 'string' },
      concurrency: { type: 'string', short: 'n' },
      profile: { type: 'string', short: 'o' },
      markdown: { type: 'string' },
      svg: { type: 'string' },
      json: { type: 'string' },
      'no-verify': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw new EvalUsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (values.data !== undefined && values.fit !== undefined) throw new EvalUsageError('give --data or --fit, not both');
  const data = values.data ?? values.fit;
  if (data === undefined || values.config === undefined) {
    throw new EvalUsageError(
      `missing ${[data === undefined ? '--data' : '', values.config === undefined ? '--config' : ''].filter(Boolean).join(', ')}`,
    );
  }
  if (values.test !== undefined && values.holdout !== undefined)
    throw new EvalUsageError('give --test or --holdout, not both');
  const order = values.order as LadderOrder | undefined;
  if (order !== undefined && order !== 'cost' && order !== 'any') {
    throw new EvalUsageError(`--order must be cost or any, got ${JSON.stringify(order)}`);
  }
  if (values.scoring !== undefined && !SCORING_MODES.includes(values.scoring as ScoringMode)) {
    throw new EvalUsageError(
      `--scoring must be one of ${SCORING_MODES.join(', ')}, got ${JSON.stringify(values.scoring)}`,
    );
  }
  const holdout = parseNumberFlag('--holdout', values.holdout, 0.01, 0.99);
  const seed = parseNumberFlag('--seed', values.seed, 0, 2 ** 32 - 1, true);
  const maxTiers = parseNumberFlag('--max-tiers', values['max-tiers'], 1, 4, true);
  const folds = parseNumberFlag('--folds', values.folds, 2, 20, true);
  const repeats = parseNumberFlag('--repeats', values.repeats, 1, 20, true);
  const confidence = parseNumberFlag('--confidence', values.confidence, 0.5, 0.999);
  const concurrency = parseNumberFlag('--concurrency', values.concurrency, 1, 100_000, true);
  const target = parseTarget(values);
  const options: TuneOptions = {
    data,
    config: values.config,
    set: values.set ?? [],
    ...(values.test === undefined ? {} : { test: values.test }),
    ...(holdout === undefined ? {} : { holdout }),
    ...(seed === undefined ? {} : { seed }),
    ...(target === undefined ? {} : { target }),
    ...(maxTiers === undefined ? {} : { maxTiers }),
    ...(order === undefined ? {} : { order }),
    ...(folds === undefined ? {} : { folds }),
    ...(repeats === undefined ? {} : { repeats }),
    ...(confidence === undefined ? {} : { selectionConfidence: confidence }),
    ...(values.scoring === undefined ? {} : { scoring: values.scoring as ScoringMode }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(values['no-verify'] === true ? { verify: false } : {}),
  };
  return {
    options,
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values.markdown === undefined ? {} : { markdown: values.markdown }),
    ...(values.svg === undefined ? {} : { svg: values.svg }),
    ...(values.json === undefined ? {} : { json: values.json }),
  };
}

/** The full report as JSON (NaN and infinities as null). */
export function tuneReportJson(report: TuneReport): string {
  return `${JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}

/**
 * `llm-cascade tune`: parses `argv` (the arguments after `tune`), tunes, prints the Markdown report on stdout
 * (progress on stderr) and writes the profile, chart, JSON and Markdown asked for. Returns the exit code: 0
 * done, 1 no ladder met the target / a gate crashed / the engine disagreed with the search, 2 usage,
 * configuration or input error. Never throws.
 */
export async function tuneCommand(argv: readonly string[], io: EvalCommandIo): Promise<EvalExitCode> {
  try {
    const flags = parseTuneFlags(argv);
    if (flags === 'help') {
      io.stdout.write(`${TUNE_HELP}\n`);
      return EVAL_EXIT_CODES.ok;
    }
    const started = performance.now();
    const report = await tune({ ...flags.options, onProgress: (message) => io.stderr.write(`tune: ${message}\n`) });
    const text = formatTuneReport(report);
    io.stdout.write(`${text}\n`);
    if (flags.profile !== undefined) await writeOutput(flags.profile, profileJson(report.profile));
    if (flags.markdown !== undefined) await writeOutput(flags.markdown, `${text}\n`);
    if (flags.svg !== undefined) await writeOutput(flags.svg, tuneChart(report));
    if (flags.json !== undefined) await writeOutput(flags.json, tuneReportJson(report));
    io.stderr.write(`tune: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    if (report.gateErrors > 0) {
      io.stderr.write(`llm-cascade tune: error: ${report.gateErrors} gate verdict(s) were gate errors\n`);
      return EVAL_EXIT_CODES.failed;
    }
    if (report.engineCheck !== undefined && !report.engineCheck.agree) {
      io.stderr.write('llm-cascade tune: error: the engine replay of the profile disagrees with the search\n');
      return EVAL_EXIT_CODES.failed;
    }
    return report.found ? EVAL_EXIT_CODES.ok : EVAL_EXIT_CODES.failed;
  } catch (error) {
    return reportCommandError(io, 'tune', error);
  }
}
