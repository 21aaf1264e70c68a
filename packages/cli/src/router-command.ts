import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, type Price } from '@llm-cascade/core';
import { parseRouterFile, stringifyRouterFile } from '@llm-cascade/router';
import {
  evaluateRouter,
  evaluateRouterFile,
  formatCalibration,
  formatEvaluation,
  type ReadExamplesResult,
  readDecisionLog,
  readEvalData,
  trainRouter,
} from '@llm-cascade/router/train';
import { asUsageError, type CommandIo, parseWholeNumber, reportError } from './command-io.ts';
import { EXIT_CODES, type ExitCode, UsageError } from './exit-codes.ts';
import { ROUTER_HELP } from './router-help.ts';

const OPTIONS = {
  data: { type: 'string', short: 'd' },
  format: { type: 'string' },
  tiers: { type: 'string' },
  requests: { type: 'string' },
  out: { type: 'string', short: 'o' },
  router: { type: 'string' },
  label: { type: 'string' },
  prices: { type: 'string' },
  folds: { type: 'string' },
  seed: { type: 'string' },
  learner: { type: 'string' },
  calibration: { type: 'string' },
  tolerance: { type: 'string' },
  margin: { type: 'string' },
  within: { type: 'string' },
  'learning-curve': { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: true }>>['values'];

function fraction(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value < 1))
    throw new UsageError(`${flag} must be a number from 0 up to 1, got ${JSON.stringify(text)}`);
  return value;
}

function oneOf<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!allowed.includes(text as T))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

/** The first record's shape tells an eval recording (`tiers`) from a decision log (`attempts`). */
async function detectFormat(path: string): Promise<'eval' | 'decisions'> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new ConfigError('data', `${path}: the first record is not JSON`);
      }
      const record = (value ?? {}) as { tiers?: unknown; attempts?: unknown };
      if (typeof record.tiers === 'object' && record.tiers !== null) return 'eval';
      if (Array.isArray(record.attempts)) return 'decisions';
      throw new ConfigError(
        'data',
        `${path}: the first record is neither an eval record (tiers) nor a decision (attempts); give --format`,
      );
    }
  } finally {
    lines.close();
  }
  throw new ConfigError('data', `${path} holds no record`);
}

async function loadPrices(text: string | undefined): Promise<Record<string, Price> | undefined> {
  if (text === undefined) return undefined;
  if (text === 'zellinger') {
    const { ZELLINGER_PRICES } = await import('@llm-cascade/eval');
    return { ...ZELLINGER_PRICES };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(text, 'utf8'));
  } catch (error) {
    throw new ConfigError('prices', `cannot read ${text}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('prices', 'must be a JSON object of { inputPerMTok, outputPerMTok } by model');
  }
  for (const [model, price] of Object.entries(parsed)) {
    const p = price as Partial<Price> | null;
    if (typeof p?.inputPerMTok !== 'number' || typeof p.outputPerMTok !== 'number') {
      throw new ConfigError(`prices.${model}`, 'must be { inputPerMTok, outputPerMTok }');
    }
  }
  return parsed as Record<string, Price>;
}

async function readExamples(values: Values, tiers: readonly string[]): Promise<ReadExamplesResult> {
  const data = values.data as string;
  const given = oneOf('--format', values.format, ['eval', 'decisions', 'auto'] as const) ?? 'auto';
  const format = given === 'auto' ? await detectFormat(data) : given;
  if (format === 'decisions') {
    return readDecisionLog({ data, tiers, ...(values.requests === undefined ? {} : { requests: values.requests }) });
  }
  const label = oneOf('--label', values.label, ['as-good-as-reference', 'correct'] as const);
  const prices = await loadPrices(values.prices);
  return readEvalData({
    data,
    tiers,
    ...(label === undefined ? {} : { label }),
    ...(prices === undefined ? {} : { prices }),
  });
}

function trainingOptions(values: Values) {
  const learner = oneOf('--learner', values.learner, ['auto', 'logistic', 'stumps'] as const);
  const calibration = oneOf('--calibration', values.calibration, ['platt', 'isotonic'] as const);
  const folds = parseWholeNumber('--folds', values.folds, 2, 20);
  const seed = parseWholeNumber('--seed', values.seed, 0, 2 ** 31 - 1);
  const tolerance = fraction('--tolerance', values.tolerance);
  return {
    ...(learner === undefined ? {} : { learner }),
    ...(calibration === undefined ? {} : { calibration }),
    ...(folds === undefined ? {} : { folds }),
    ...(seed === undefined ? {} : { seed }),
    ...(tolerance === undefined ? {} : { tolerance }),
  };
}

async function train(values: Values, io: CommandIo): Promise<ExitCode> {
  if (values.out === undefined) throw new UsageError('missing --out');
  const tiers = tierList(values.tiers);
  const options = trainingOptions(values);
  const read = await readExamples(values, tiers);
  for (const warning of read.warnings) io.stderr.write(`llm-cascade router: ${warning}\n`);
  const started = performance.now();
  const file = trainRouter({
    examples: read.examples,
    tiers,
    source: read.source,
    label: read.label,
    ...options,
  });
  await writeFile(values.out, stringifyRouterFile(file));
  io.stdout.write(
    `Trained on ${read.examples.length} requests (${read.source}, label ${read.label}) in ${((performance.now() - started) / 1000).toFixed(1)} s; wrote ${values.out}.\n` +
      `Models: ${file.training.selection.map((s) => `${s.tier} ${s.learner} ${s.setting}`).join('; ')}.\n` +
      `Default thresholds: ${Object.entries(file.thresholds)
        .map(([tier, t]) => `${tier} ${t}`)
        .join(', ')} (${file.training.thresholdRule}).\n\n` +
      `Out-of-fold calibration:\n\n${formatCalibration(file.training.calibration)}\n`,
  );
  return EXIT_CODES.ok;
}

async function evaluate(values: Values, io: CommandIo): Promise<ExitCode> {
  const margin = fraction('--margin', values.margin);
  const within = fraction('--within', values.within);
  const common = { ...(margin === undefined ? {} : { margin }), ...(within === undefined ? {} : { within }) };
  let evaluation: ReturnType<typeof evaluateRouter>;
  if (values.router !== undefined) {
    let text: string;
    try {
      text = await readFile(values.router, 'utf8');
    } catch (error) {
      throw new ConfigError('router', `cannot read ${values.router}: ${(error as Error).message}`, { cause: error });
    }
    const file = parseRouterFile(text);
    if (values.tiers !== undefined && tierList(values.tiers).join(',') !== file.tiers.join(',')) {
      throw new UsageError(`--tiers must match the router file's tiers (${file.tiers.join(',')})`);
    }
    const read = await readExamples(values, file.tiers);
    for (const warning of read.warnings) io.stderr.write(`llm-cascade router: ${warning}\n`);
    evaluation = evaluateRouterFile({ file, examples: read.examples, ...common });
  } else {
    const tiers = tierList(values.tiers);
    const options = trainingOptions(values);
    const read = await readExamples(values, tiers);
    for (const warning of read.warnings) io.stderr.write(`llm-cascade router: ${warning}\n`);
    const sizes = values['learning-curve']
      ?.split(',')
      .map((size) => parseWholeNumber('--learning-curve', size.trim(), 2, 10_000_000) as number);
    evaluation = evaluateRouter({
      examples: read.examples,
      tiers,
      source: read.source,
      label: read.label,
      ...options,
      ...common,
      ...(sizes === undefined ? {} : { trainingSizes: sizes }),
    });
  }
  io.stdout.write(`${formatEvaluation(evaluation)}\n`);
  if (values.json !== undefined) await writeFile(values.json, `${JSON.stringify(evaluation, null, 2)}\n`);
  return EXIT_CODES.ok;
}

function tierList(text: string | undefined): string[] {
  if (text === undefined) throw new UsageError('missing --tiers (tier names, cheapest first, comma separated)');
  const tiers = text
    .split(',')
    .map((tier) => tier.trim())
    .filter((tier) => tier.length > 0);
  if (tiers.length < 2) throw new UsageError('--tiers must name at least two tiers');
  return tiers;
}

/**
 * `llm-cascade router train | eval`: trains the pre-generation router from recorded data or decision logs,
 * or measures it (calibration, router-only frontier). Returns the exit code; never throws.
 */
export async function routerCommand(argv: readonly string[], io: CommandIo): Promise<ExitCode> {
  try {
    const [action, ...rest] = argv;
    const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: true });
    if (values.help === true || action === '--help' || action === '-h' || action === 'help') {
      io.stdout.write(`${ROUTER_HELP}\n`);
      return EXIT_CODES.ok;
    }
    if (action !== 'train' && action !== 'eval') {
      throw new UsageError(
        action === undefined
          ? 'missing action: train or eval'
          : `unknown action ${JSON.stringify(action)} (train or eval)`,
      );
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.data === undefined) throw new UsageError('missing --data');
    return action === 'train' ? await train(values, io) : await evaluate(values, io);
  } catch (error) {
    return reportError(io, 'router', asUsageError(error));
  }
}
