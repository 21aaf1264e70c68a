// The router on the Zellinger et al. train splits: 5-fold cross-validated router-only frontiers against the
// single models, the router combined with logprob gates ("route, then verify") against the gated cascade
// alone, and a learning curve on the pooled splits. Every router probability is held out; gate thresholds
// are swept in-sample, as in repro-zellinger, so the cascade and combined curves share that optimism.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importZellinger, ZELLINGER_PRICES } from '@llm-cascade/eval';
import {
  areaUnderErrorCost,
  areaUnderMixedErrorCost,
  evaluateRouter,
  mixedCostReaching,
  paretoFront,
  type RouterEvaluation,
  readEvalData,
  type TrainingExample,
} from '@llm-cascade/router/train';
import { pct } from './shared-data.ts';

export const BENCHMARKS = ['mmlu', 'medmcqa', 'triviaqa', 'truthfulqa', 'gsm8k'] as const;

export const LADDERS = [
  { key: 'openai', label: 'gpt-4o-mini -> gpt-4o', tiers: ['gpt-4o-mini', 'gpt-4o'] },
  { key: 'llama', label: 'llama3.1-8b -> 70b -> 405b', tiers: ['llama3.1-8b', 'llama3.1-70b', 'llama3.1-405b'] },
] as const;

const ALL_MODELS = Object.keys(ZELLINGER_PRICES);
const ROUTER_GRID = Array.from({ length: 51 }, (_, i) => i / 50).concat([1.01]);
const GATE_GRID_TWO = [0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1, 1.01];
const GATE_GRID_THREE = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.01];

interface Point {
  readonly accuracy: number;
  readonly costUsd: number;
}

/** Per request and model: correct, cost, and the recorded confidence (probability of the answer). */
interface Outcomes {
  readonly correct: boolean[][];
  readonly cost: number[][];
  readonly confidence: number[][];
}

/** Imports every split (and the pooled file) into `dir`. */
export async function importSplits(folder: string, dir: string): Promise<void> {
  for (const benchmark of BENCHMARKS) {
    await importZellinger({ folder, output: join(dir, `${benchmark}.jsonl`), benchmarks: [benchmark] });
  }
  await importZellinger({ folder, output: join(dir, 'pooled.jsonl'), benchmarks: [...BENCHMARKS] });
}

interface RecordLine {
  readonly tiers: Record<
    string,
    {
      candidates: { correct?: boolean; logprobs?: { logprob: number }[] }[];
      usage: { inputTokens: number; outputTokens: number };
    }
  >;
}

function outcomesOf(path: string, models: readonly string[]): Outcomes {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordLine);
  const of = (fn: (tier: RecordLine['tiers'][string], model: string) => number | boolean) =>
    lines.map((line) => models.map((model) => fn(line.tiers[model] as RecordLine['tiers'][string], model)));
  return {
    correct: of((tier) => tier.candidates[0]?.correct === true) as boolean[][],
    cost: of((tier, model) => {
      const price = ZELLINGER_PRICES[model] as { inputPerMTok: number; outputPerMTok: number };
      return (tier.usage.inputTokens * price.inputPerMTok + tier.usage.outputTokens * price.outputPerMTok) / 1e6;
    }) as number[][],
    confidence: of((tier) =>
      Math.exp(tier.candidates[0]?.logprobs?.[0]?.logprob ?? Number.NEGATIVE_INFINITY),
    ) as number[][],
  };
}

/** Mean accuracy and cost of a policy giving each request its answering tier and the tiers it paid for. */
function measure(outcomes: Outcomes, policy: (i: number) => { answer: number; paid: number[] }): Point {
  let correct = 0;
  let cost = 0;
  const n = outcomes.correct.length;
  for (let i = 0; i < n; i += 1) {
    const { answer, paid } = policy(i);
    if ((outcomes.correct[i] as boolean[])[answer]) correct += 1;
    for (const t of paid) cost += (outcomes.cost[i] as number[])[t] as number;
  }
  return { accuracy: correct / n, costUsd: cost / n };
}

/** Start at the router's tier for threshold `theta`, then climb while the tier's confidence is below its gate. */
function routeThenVerify(
  outcomes: Outcomes,
  probabilities: readonly (readonly number[])[],
  theta: number,
  gates: readonly number[],
) {
  const tiers = probabilities.length + 1;
  return measure(outcomes, (i) => {
    let start = tiers - 1;
    for (let t = 0; t < tiers - 1; t += 1) {
      if (((probabilities[t] as number[])[i] as number) >= theta) {
        start = t;
        break;
      }
    }
    const paid: number[] = [];
    for (let t = start; t < tiers; t += 1) {
      paid.push(t);
      if (t === tiers - 1 || ((outcomes.confidence[i] as number[])[t] as number) >= (gates[t] as number)) {
        return { answer: t, paid };
      }
    }
    return { answer: tiers - 1, paid };
  });
}

function gateSettings(tiers: number): number[][] {
  if (tiers === 2) return GATE_GRID_TWO.map((g) => [g]);
  return GATE_GRID_THREE.flatMap((a) => GATE_GRID_THREE.map((b) => [a, b]));
}

/** One split and ladder: the router-only frontier, the cascade alone, and both together. */
export interface LadderResult {
  readonly benchmark: string;
  readonly ladder: string;
  readonly queries: number;
  readonly evaluation: RouterEvaluation;
  readonly bestOfAll: { readonly model: string; readonly accuracy: number; readonly costUsd: number };
  readonly strongest: Point;
  /** Areas under the error-cost curve over the ladder's cost range. */
  readonly area: { router: number; randomMix: number; cascade: number; combined: number };
  /** Cost at within one point of the ladder's best single model, as a share of that model's cost. */
  readonly withinOne: { router?: number; randomMix?: number; cascade?: number; combined?: number };
  readonly trained: Point;
}

export function analyseLadder(
  benchmark: string,
  ladder: (typeof LADDERS)[number],
  path: string,
  evaluation: RouterEvaluation,
): LadderResult {
  const models = ladder.tiers;
  const outcomes = outcomesOf(path, models);
  const everyModel = outcomesOf(path, ALL_MODELS);
  const singlesAll = ALL_MODELS.map((_, m) => measure(everyModel, () => ({ answer: m, paid: [m] })));
  const bestIndex = singlesAll.reduce(
    (best, s, m) => (s.accuracy > (singlesAll[best] as Point).accuracy ? m : best),
    0,
  );
  const singles = models.map((_, t) => measure(outcomes, () => ({ answer: t, paid: [t] })));
  const probabilities = evaluation.heldOutProbabilities;
  const gates = gateSettings(models.length);
  const cascade = gates.map((g) => routeThenVerify(outcomes, probabilities, 0, g));
  const router = ROUTER_GRID.map((theta) =>
    routeThenVerify(
      outcomes,
      probabilities,
      theta,
      models.map(() => 0),
    ),
  );
  const combined = gates.flatMap((g) => ROUTER_GRID.map((theta) => routeThenVerify(outcomes, probabilities, theta, g)));
  const low = Math.min(...singles.map((s) => s.costUsd));
  const high = Math.max(...singles.map((s) => s.costUsd));
  const best = singles.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const target = best.accuracy - 0.01;
  const cheapest = (points: readonly Point[]) => {
    const ok = paretoFront(points).filter((p) => p.accuracy + 1e-12 >= target);
    return ok.length === 0 ? undefined : (ok[0] as Point).costUsd / best.costUsd;
  };
  const mixCost = mixedCostReaching(singles, target);
  return {
    benchmark,
    ladder: ladder.label,
    queries: outcomes.correct.length,
    evaluation,
    bestOfAll: {
      model: ALL_MODELS[bestIndex] as string,
      accuracy: (singlesAll[bestIndex] as Point).accuracy,
      costUsd: (singlesAll[bestIndex] as Point).costUsd,
    },
    strongest: singles[singles.length - 1] as Point,
    area: {
      router: areaUnderErrorCost(router, low, high),
      randomMix: areaUnderMixedErrorCost(singles, low, high),
      cascade: areaUnderErrorCost(cascade, low, high),
      combined: areaUnderErrorCost(combined, low, high),
    },
    withinOne: {
      ...(cheapest(router) === undefined ? {} : { router: cheapest(router) as number }),
      ...(mixCost === undefined ? {} : { randomMix: mixCost / best.costUsd }),
      ...(cheapest(cascade) === undefined ? {} : { cascade: cheapest(cascade) as number }),
      ...(cheapest(combined) === undefined ? {} : { combined: cheapest(combined) as number }),
    },
    trained: {
      accuracy: evaluation.frontier?.trainedThresholds.accuracy ?? Number.NaN,
      costUsd: (evaluation.frontier?.trainedThresholds.costUsd ?? Number.NaN) / best.costUsd,
    },
  };
}

/** Cross-validates the router on one split and ladder. */
export async function evaluateSplit(
  path: string,
  ladder: (typeof LADDERS)[number],
  learner: 'logistic' | 'stumps' | 'auto',
  trainingSizes?: readonly number[],
): Promise<{ examples: readonly TrainingExample[]; evaluation: RouterEvaluation }> {
  const read = await readEvalData({ data: path, tiers: ladder.tiers, prices: ZELLINGER_PRICES });
  const evaluation = evaluateRouter({
    examples: read.examples,
    tiers: ladder.tiers,
    learner,
    folds: 5,
    seed: 1,
    ...(trainingSizes === undefined ? {} : { trainingSizes }),
  });
  return { examples: read.examples, evaluation };
}

const share = (x: number | undefined) => (x === undefined ? 'none' : pct(x));

/** The per-split table. */
export function ladderTable(results: readonly LadderResult[]): string {
  return [
    "| benchmark | ladder | queries | best of 9 models | strongest of ladder | held-out AUC per tier | router trained thresholds: accuracy at cost | cost within 1 pt of the ladder's best: router / random mix / cascade / route+verify | area under error-cost: router / random mix / cascade / route+verify |",
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) => {
      const aucs = r.evaluation.calibration.map((c) => c.auc.toFixed(2)).join(' / ');
      const a = r.area;
      return `| ${r.benchmark} | ${r.ladder} | ${r.queries} | ${r.bestOfAll.model} ${pct(r.bestOfAll.accuracy)} | ${pct(r.strongest.accuracy)} | ${aucs} | ${pct(r.trained.accuracy)} at ${pct(r.trained.costUsd)} | ${share(r.withinOne.router)} / ${share(r.withinOne.randomMix)} / ${share(r.withinOne.cascade)} / ${share(r.withinOne.combined)} | ${a.router.toFixed(4)} / ${a.randomMix.toFixed(4)} / ${a.cascade.toFixed(4)} / ${a.combined.toFixed(4)} |`;
    }),
  ].join('\n');
}
