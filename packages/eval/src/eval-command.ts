import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAccuracyPoints } from './accuracy-points.ts';
import {
  EVAL_EXIT_CODES,
  type EvalCommandIo,
  type EvalExitCode,
  EvalUsageError,
  parseNumberFlag,
  reportCommandError,
} from './command-io.ts';
import { formatReport } from './format-report.ts';
import { frontierChart } from './frontier-chart.ts';
import { EVAL_HELP } from './help.ts';
import { type EvalReport, type RunEvalOptions, runEval } from './run-eval.ts';
import { SCORING_MODES, type ScoringMode } from './score-answer.ts';

async function writeOutput(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** NaN is not JSON: the report file says `null` where a figure does not exist. */
export function reportJson(report: EvalReport): string {
  return `${JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}

type EvalFlags = RunEvalOptions & { readonly svg?: string; readonly json?: string; readonly markdown?: string };

function parseEvalFlags(argv: readonly string[]): EvalFlags | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string', short: 'd' },
      config: { type: 'string', short: 'c' },
      sweep: { type: 'string', short: 's', multiple: true },
      set: { type: 'string', multiple: true },
      'target-accuracy': { type: 'string' },
      within: { type: 'string' },
      'max-cost': { type: 'string' },
      'max-relative-cost': { type: 'string' },
      scoring: { type: 'string' },
      tolerance: { type: 'string' },
      limit: { type: 'string' },
      concurrency: { type: 'string', short: 'n' },
      svg: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw new EvalUsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const missing = (['data', 'config'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new EvalUsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  const selections = ['target-accuracy', 'within', 'max-cost', 'max-relative-cost'].filter(
    (flag) => values[flag as keyof typeof values] !== undefined,
  );
  if (selections.length > 1) {
    throw new EvalUsageError(`give at most one of --${selections.join(', --')}`);
  }
  if (values.scoring !== undefined && !SCORING_MODES.includes(values.scoring as ScoringMode)) {
    throw new EvalUsageError(
      `--scoring must be one of ${SCORING_MODES.join(', ')}, got ${JSON.stringify(values.scoring)}`,
    );
  }
  const tolerance = parseNumberFlag('--tolerance', values.tolerance, 0, Number.MAX_VALUE);
  if (tolerance !== undefined && values.scoring !== 'numeric')
    throw new EvalUsageError('--tolerance needs --scoring numeric');
  const targetAccuracy = parseNumberFlag('--target-accuracy', values['target-accuracy'], 0, 1);
  const withinOfStrongest = values.within === undefined ? undefined : parseAccuracyPoints(values.within);
  if (values.within !== undefined && withinOfStrongest === undefined) {
    throw new EvalUsageError(
      `--within must be points like 1pt (or a fraction like 0.01), got ${JSON.stringify(values.within)}`,
    );
  }
  const maxCostUsd = parseNumberFlag('--max-cost', values['max-cost'], 0, Number.MAX_VALUE);
  const maxRelativeCost = parseNumberFlag('--max-relative-cost', values['max-relative-cost'], 0, Number.MAX_VALUE);
  const limit = parseNumberFlag('--limit', values.limit, 1, Number.MAX_SAFE_INTEGER, true);
  const concurrency = parseNumberFlag('--concurrency', values.concurrency, 1, 100_000, true);
  return {
    data: values.data as string,
    config: values.config as string,
    sweep: values.sweep ?? [],
    set: values.set ?? [],
    ...(targetAccuracy === undefined ? {} : { targetAccuracy }),
    ...(withinOfStrongest === undefined ? {} : { withinOfStrongest }),
    ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
    ...(maxRelativeCost === undefined ? {} : { maxRelativeCost }),
    ...(values.scoring === undefined
      ? {}
      : { scoring: { mode: values.scoring as ScoringMode, ...(tolerance === undefined ? {} : { tolerance }) } }),
    ...(limit === undefined ? {} : { limit }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(values.svg === undefined ? {} : { svg: values.svg }),
    ...(values.json === undefined ? {} : { json: values.json }),
    ...(values.markdown === undefined ? {} : { markdown: values.markdown }),
  };
}

/**
 * `llm-cascade eval`: parses `argv` (the arguments after `eval`), runs the evaluation, prints the Markdown
 * report on stdout (progress on stderr) and writes the SVG, JSON and Markdown files asked for. Returns the
 * exit code; never throws.
 */
export async function evalCommand(argv: readonly string[], io: EvalCommandIo): Promise<EvalExitCode> {
  try {
    const flags = parseEvalFlags(argv);
    if (flags === 'help') {
      io.stdout.write(`${EVAL_HELP}\n`);
      return EVAL_EXIT_CODES.ok;
    }
    const { svg, json, markdown, ...options } = flags;
    const started = performance.now();
    let lastNote = 0;
    const report = await runEval({
      ...options,
      onProgress(progress) {
        const now = performance.now();
        if (progress.phase === 'setting' && progress.done < progress.total && now - lastNote < 2000) return;
        lastNote = now;
        io.stderr.write(`eval: ${progress.phase} ${progress.done}/${progress.total} (${progress.label})\n`);
      },
    });
    const text = formatReport(report);
    io.stdout.write(`${text}\n`);
    if (markdown !== undefined) await writeOutput(markdown, `${text}\n`);
    if (json !== undefined) await writeOutput(json, reportJson(report));
    if (svg !== undefined) await writeOutput(svg, frontierChart(report));
    const runs = (report.points.length + report.baselines.length) * report.requests;
    io.stderr.write(
      `eval: ${report.points.length} setting(s) x ${report.requests} requests (${runs} runs with the baselines) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    if (report.gateErrors > 0) {
      // A crashed gate fails its check and the run goes on: the figures above are not the config's. Say so.
      io.stderr.write(
        `llm-cascade eval: error: ${report.gateErrors} gate verdict(s) were gate errors (reason gate-error), not judgements; see the gate tables\n`,
      );
      return EVAL_EXIT_CODES.failed;
    }
    return report.selection !== undefined && !report.selection.found ? EVAL_EXIT_CODES.failed : EVAL_EXIT_CODES.ok;
  } catch (error) {
    return reportCommandError(io, 'eval', error);
  }
}
