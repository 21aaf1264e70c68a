import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type EvalPoint,
  type EvalReport,
  frontierChart,
  importZellinger,
  runEval,
  selectSetting,
} from '@llm-cascade/eval';
import { calibrateThreshold, measureLogprobs } from '@llm-cascade/gate-logprob';
import { loadRecordings, type RecordedRequest } from '@llm-cascade/provider-replay';
import { BENCH_DIR, type BenchResult, saveResult, writingResults } from './result-file.ts';
import { exampleConfig, pct, sharedDataDir, skipped, withTempDir } from './shared-data.ts';

const NAME = 'repro-zellinger';
const TITLE = 'Reproduction: logprob cascades on the Zellinger et al. train splits';
const COMMAND = 'scripts/with-node pnpm bench repro-zellinger';
const BENCHMARKS = ['mmlu', 'medmcqa', 'triviaqa', 'truthfulqa', 'gsm8k'] as const;
const TWO_TIER_GRID = [0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1];
const THREE_TIER_GRID = [0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1];
/** The example configs' builder: a logprob cascade over any models, cheapest first. */
async function chainConfig(models: readonly string[]) {
  const shared = (await import(exampleConfig('zellinger-shared.ts'))) as {
    zellingerConfig: (models: readonly string[]) => Parameters<typeof runEval>[0]['config'];
  };
  return shared.zellingerConfig(models);
}

interface Chain {
  readonly key: string;
  readonly label: string;
  readonly config: string;
  readonly models: readonly string[];
  readonly sweep: readonly string[];
}

const CHAINS: readonly Chain[] = [
  {
    key: 'openai',
    label: 'gpt-4o-mini -> gpt-4o',
    config: 'zellinger-openai.config.ts',
    models: ['gpt-4o-mini', 'gpt-4o'],
    sweep: [`accept.first=${TWO_TIER_GRID.join(',')}`],
  },
  {
    key: 'llama',
    label: 'llama3.1-8b -> 70b -> 405b',
    config: 'zellinger-llama.config.ts',
    models: ['llama3.1-8b', 'llama3.1-70b', 'llama3.1-405b'],
    sweep: [`accept.first=${THREE_TIER_GRID.join(',')}`, `accept.second=${THREE_TIER_GRID.join(',')}`],
  },
];

/** Enough digits to tell 0.9999 from 1 (confidences of strong models crowd just below 1). */
function thresholdText(value: number): string {
  return value >= 0.99 && value < 1 ? String(Number(value.toPrecision(6))) : String(Number(value.toPrecision(4)));
}

function settingText(point: EvalPoint): string {
  return Object.values(point.setting).join(' / ');
}

/** The confidence the gate reads (probability of the recorded logprob entry) and the label, per record. */
function labelled(records: readonly RecordedRequest[], model: string) {
  return records.map((record) => {
    const candidate = record.tiers[model]?.candidates[0];
    if (candidate?.logprobs === undefined || candidate.correct === undefined) {
      throw new Error(`${record.id}: no labelled answer with a confidence from ${model}`);
    }
    return {
      confidence: measureLogprobs(candidate.logprobs, { measure: 'first-token-probability' }),
      correct: candidate.correct,
    };
  });
}

interface Calibrated {
  readonly thresholds: string;
  readonly accuracy: number;
  readonly relative: number;
  readonly acceptance: string;
}

/** Accepted answers must not be wrong where the top tier is right: the label calibration then bounds. */
const REGRET_TOLERANCE = 0.05;

interface ChainFigures {
  readonly benchmark: string;
  readonly chain: Chain;
  readonly report: EvalReport;
  readonly strongestAccuracy: number;
  readonly cheapestAccuracy: number;
  readonly cheapestRelative: number;
  readonly match: EvalPoint | undefined;
  readonly best: EvalPoint;
  readonly calibrated: Calibrated;
  readonly regret: Calibrated;
  readonly svg: string;
}

async function evaluateChain(recording: string, benchmark: string, chain: Chain): Promise<ChainFigures> {
  const report = await runEval({ data: recording, config: exampleConfig(chain.config), sweep: chain.sweep });
  const strongest = report.baselines.find((b) => b.role === 'strongest')?.measures;
  const cheapest = report.baselines.find((b) => b.role === 'cheapest')?.measures;
  if (strongest === undefined || cheapest === undefined) throw new Error('baselines missing');
  const plane = report.points.map((p) => ({ costUsd: p.measures.costUsd, accuracy: p.measures.accuracy }));
  // The cheapest setting that is at least as accurate as the strongest model alone, on this data.
  const selection = selectSetting(plane, { targetAccuracy: strongest.accuracy }, report.requests);
  const match = selection.found ? report.points[selection.index] : undefined;
  const best = report.points.reduce((a, b) =>
    b.measures.accuracy > a.measures.accuracy ||
    (b.measures.accuracy === a.measures.accuracy && b.measures.costUsd < a.measures.costUsd)
      ? b
      : a,
  );
  // Calibration: each gated tier on its own labelled answers, with 95% confidence (one-sided Clopper-Pearson).
  // In-sample: only train splits exist here. Two targets:
  // (a) accepted answers at least as accurate as the strongest model alone;
  // (b) accepted answers wrong where the strongest is right at most 5% of the time (gate-logprob's guidance).
  const records = loadRecordings(recording).map((entry) => entry.record);
  const top = chain.models[chain.models.length - 1] as string;
  const topRight = labelled(records, top).map((s) => s.correct);
  const names = ['first', 'second'];
  const calibrate = async (
    label: (model: string) => { confidence: number; correct: boolean }[],
    target: { targetAccuracy: number } | { targetErrorRate: number },
  ): Promise<Calibrated> => {
    const thresholds = chain.models
      .slice(0, -1)
      .map((model) => calibrateThreshold({ samples: label(model), ...target, confidenceLevel: 0.95 }));
    // A tier with no qualifying threshold cannot help: it is dropped, not called and paid for nothing.
    const kept = chain.models.filter((_, i) => i === chain.models.length - 1 || thresholds[i]?.found === true);
    const found = thresholds.filter((t) => t.found);
    const text = {
      thresholds: thresholds.map((t) => (t.found ? thresholdText(t.threshold) : 'dropped')).join(' / '),
      acceptance: thresholds.map((t) => (t.found ? pct(t.acceptanceRate, 0) : '-')).join(' / '),
    };
    if (kept.length === 1) return { ...text, accuracy: strongest.accuracy, relative: 1 };
    const run = await runEval({
      data: recording,
      config: await chainConfig(kept),
      sweep: found.map((t, i) => `accept.${names[i]}=${t.found ? t.threshold : 0}`),
      baselines: false,
    });
    const point = run.points[0] as EvalPoint;
    return { ...text, accuracy: point.measures.accuracy, relative: point.measures.costUsd / strongest.costUsd };
  };
  const calibrated = await calibrate((model) => labelled(records, model), {
    targetAccuracy: Math.min(strongest.accuracy, 0.999),
  });
  const regret = await calibrate(
    (model) =>
      labelled(records, model).map((s, i) => ({ confidence: s.confidence, correct: s.correct || !topRight[i] })),
    { targetErrorRate: REGRET_TOLERANCE },
  );
  const svg = frontierChart(
    { ...report, selection: { ...selection, criterion: 'accuracy >= strongest alone' } },
    { title: `${benchmark} (train), ${chain.label}: cost vs accuracy` },
  );
  return {
    benchmark,
    chain,
    report,
    strongestAccuracy: strongest.accuracy,
    cheapestAccuracy: cheapest.accuracy,
    cheapestRelative: cheapest.costUsd / strongest.costUsd,
    match,
    best,
    calibrated,
    regret,
    svg,
  };
}

export async function reproZellinger(): Promise<BenchResult> {
  const data = sharedDataDir();
  const folder = data === undefined ? undefined : join(data, 'zellinger_llm_cascades');
  if (folder === undefined) return skipped(NAME, TITLE, COMMAND, 'zellinger_llm_cascades');
  return withTempDir(async (dir) => {
    const figures: ChainFigures[] = [];
    for (const benchmark of BENCHMARKS) {
      const recording = join(dir, `${benchmark}.jsonl`);
      await importZellinger({ folder, output: recording, benchmarks: [benchmark] });
      for (const chain of CHAINS) figures.push(await evaluateChain(recording, benchmark, chain));
    }
    for (const f of writingResults() ? figures : []) {
      await writeFile(join(BENCH_DIR, 'results', `${NAME}-${f.benchmark}-${f.chain.key}.svg`), f.svg);
    }
    const summary = figures.map((f) => {
      const svg = `bench/results/${NAME}-${f.benchmark}-${f.chain.key}.svg`;
      const match =
        f.match === undefined
          ? 'none'
          : `${settingText(f.match)}: ${pct(f.match.measures.accuracy)} at ${pct(f.match.relativeCost)}`;
      return `| ${f.benchmark} | ${f.chain.label} | ${f.report.requests} | ${pct(f.cheapestAccuracy)} at ${pct(f.cheapestRelative)} | ${pct(f.strongestAccuracy)} | ${match} | ${settingText(f.best)}: ${pct(f.best.measures.accuracy)} at ${pct(f.best.relativeCost)} | ${f.calibrated.thresholds} (accepts ${f.calibrated.acceptance}): ${pct(f.calibrated.accuracy)} at ${pct(f.calibrated.relative)} | ${f.regret.thresholds} (accepts ${f.regret.acceptance}): ${pct(f.regret.accuracy)} at ${pct(f.regret.relative)} | [svg](${svg}) |`;
    });
    const frontiers = figures.map((f) => {
      const front = f.report.points.filter((p) => p.pareto).sort((a, b) => a.measures.costUsd - b.measures.costUsd);
      return [
        `<details><summary>${f.benchmark}, ${f.chain.label}: ${front.length} Pareto-optimal settings of ${f.report.points.length}</summary>`,
        '',
        `| thresholds (${f.report.swept.join(' / ')}) | accuracy | cost vs strongest alone | escalated from the first tier |`,
        '| --- | --- | --- | --- |',
        ...front.map(
          (p) =>
            `| ${settingText(p)} | ${pct(p.measures.accuracy)} | ${pct(p.relativeCost)} | ${pct(p.measures.tiers[0]?.escalationRate ?? Number.NaN)} |`,
        ),
        '',
        '</details>',
      ].join('\n');
    });
    const markdown = [
      'Zellinger et al. recorded 9 models answering every query of five benchmarks, each answer with a correctness label',
      'and a logprob confidence. Each train split is imported (`import zellinger`), then replayed through logprob-gated',
      'cascades: a tier accepts its answer when the confidence, read by `logprobGate` as `first-token-probability`, reaches',
      "its threshold; the last tier always answers. Accuracy is the recording's own labels; cost is the engine's, from the",
      'recorded tokens at the published prices. Thresholds are swept over a grid (13 values for two tiers, 8 x 8 for',
      "three) and the Pareto frontier kept. `calibrateThreshold` (gate-logprob) then picks each gated tier's threshold",
      'from its labelled answers, with 95% confidence, for two targets: (a) the accepted answers at least as accurate as',
      'the strongest model alone (the tempting one: it bounds the accepted answers, not the cascade, whose escalated',
      `queries are the hard ones for the strong model too); (b) accepted answers wrong where the strongest model is right`,
      `at most ${100 * REGRET_TOLERANCE}% of the time, which bounds the cascade's loss against the strongest model.`,
      'A tier for which calibration finds no threshold is dropped from the ladder ("dropped"): kept with acceptance off it',
      'would still be called and paid for nothing. For the ladder and thresholds chosen for you, out of sample, see the',
      '`tune-zellinger` section.',
      '',
      'Caveats: only train splits are here, so the calibration is fitted and measured on the same queries (in-sample). Every',
      'call is billed: for TriviaQA, TruthfulQA and GSM8K the confidence is a second, self-verification call, paid by a gated',
      'tier (the importer bills it); the last tier and the strongest model alone pay only for their answer. The',
      'papers report test-set areas under the error-cost curve, which need the sealed test splits; these are not comparable.',
      '',
      'Commands, per benchmark (the bench runs the same library calls):',
      '',
      '```sh',
      'node --conditions=source packages/eval/src/main.ts import zellinger ../shared/data/zellinger_llm_cascades --benchmark mmlu --output /tmp/mmlu.jsonl',
      `node --conditions=source packages/eval/src/main.ts eval --data /tmp/mmlu.jsonl --config packages/eval/examples/zellinger-openai.config.ts --sweep accept.first=${TWO_TIER_GRID.join(',')} --svg /tmp/mmlu-openai.svg`,
      `node --conditions=source packages/eval/src/main.ts eval --data /tmp/mmlu.jsonl --config packages/eval/examples/zellinger-llama.config.ts --sweep accept.first=${THREE_TIER_GRID.join(',')} --sweep accept.second=${THREE_TIER_GRID.join(',')} --svg /tmp/mmlu-llama.svg`,
      '```',
      '',
      'Accuracy and cost relative to the strongest model of the chain alone (same queries):',
      '',
      '| benchmark | cascade | queries | cheapest alone | strongest alone | cheapest setting as accurate as the strongest | most accurate setting | calibrated (a): thresholds, accuracy at cost | calibrated (b) | chart |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...summary,
      '',
      frontiers.join('\n\n'),
    ].join('\n');
    const numbers: Record<string, number | string | boolean> = {};
    for (const f of figures) {
      const key = `${f.benchmark}.${f.chain.key}`;
      numbers[`${key}.strongestAccuracy`] = f.strongestAccuracy;
      numbers[`${key}.bestAccuracy`] = f.best.measures.accuracy;
      numbers[`${key}.bestRelativeCost`] = f.best.relativeCost;
      numbers[`${key}.matchRelativeCost`] = f.match?.relativeCost ?? 'none';
      numbers[`${key}.calibratedThresholds`] = f.calibrated.thresholds;
      numbers[`${key}.calibratedAccuracy`] = f.calibrated.accuracy;
      numbers[`${key}.calibratedRelativeCost`] = f.calibrated.relative;
      numbers[`${key}.regretThresholds`] = f.regret.thresholds;
      numbers[`${key}.regretAccuracy`] = f.regret.accuracy;
      numbers[`${key}.regretRelativeCost`] = f.regret.relative;
    }
    return saveResult({ name: NAME, title: TITLE, command: COMMAND, markdown, figures: numbers });
  });
}
