import type { RouterEvaluation } from './evaluate-router.ts';
import type { TierCalibrationReport } from './router-file.ts';

const fixed = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const percent = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : `${(100 * x).toFixed(1)}%`);
/** Dollars per million requests: per-request costs of cheap models are too small to read in dollars. */
const perMillion = (usd: number | undefined) =>
  usd === undefined || !Number.isFinite(usd)
    ? '-'
    : `$${(usd * 1e6).toLocaleString('en', { maximumFractionDigits: 1 })}`;

/** The calibration table and one reliability line per tier (predicted -> observed, count per bin). */
export function formatCalibration(reports: readonly TierCalibrationReport[]): string {
  const lines = [
    '| tier | examples | positives | log loss | Brier | ECE | AUC |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...reports.map(
      (r) =>
        `| ${r.tier} | ${r.examples} | ${r.positives} | ${fixed(r.logLoss)} | ${fixed(r.brier)} | ${fixed(r.ece)} | ${fixed(r.auc)} |`,
    ),
    '',
    'Reliability (bin: mean predicted -> observed rate, count):',
    ...reports.map(
      (r) =>
        `- ${r.tier}: ${r.reliability
          .map(
            (bin) =>
              `${bin.lower.toFixed(1)}-${bin.upper.toFixed(1)}: ${fixed(bin.meanPredicted, 2)} -> ${fixed(bin.observed, 2)} (${bin.count})`,
          )
          .join('; ')}`,
    ),
  ];
  return lines.join('\n');
}

/** The whole evaluation as Markdown: calibration, the router-only frontier, the learning curve. */
export function formatEvaluation(evaluation: RouterEvaluation): string {
  const how =
    evaluation.folds > 0
      ? `${evaluation.folds}-fold cross-validation of training (each fold's router never saw its held-out requests)`
      : 'a trained router on data it was not trained on';
  const out = [
    `Held-out calibration, ${how}, ${evaluation.examples} requests:`,
    '',
    formatCalibration(evaluation.calibration),
  ];
  const frontier = evaluation.frontier;
  if (frontier === undefined) {
    out.push(
      '',
      "No frontier: it needs every tier's correctness and cost on the same requests (eval data with --prices).",
    );
  } else {
    const best = frontier.bestSingle;
    out.push(
      '',
      `Router-only frontier (held out, ${frontier.requests} requests; cost per million requests):`,
      '',
      '| tier alone | accuracy | cost |',
      '| --- | --- | --- |',
      ...frontier.singles.map((s) => `| ${s.tier} | ${percent(s.accuracy)} | ${perMillion(s.costUsd)} |`),
      '',
      '| threshold | accuracy | cost | cost vs best single | start shares |',
      '| --- | --- | --- | --- | --- |',
      ...frontier.pareto.map(
        (p) =>
          `| ${p.threshold} | ${percent(p.accuracy)} | ${perMillion(p.costUsd)} | ${percent(p.costUsd / best.costUsd)} | ${p.shares.map((s) => percent(s)).join(' / ')} |`,
      ),
      '',
      `Best single tier: ${best.tier} (${percent(best.accuracy)}, ${perMillion(best.costUsd)}).`,
    );
    const within = frontier.withinOfBest;
    out.push(
      within === undefined
        ? 'No threshold came within the target of the best single tier.'
        : `Within the target of the best single tier: threshold ${within.threshold}, ${percent(within.accuracy)} at ${perMillion(within.costUsd)} (${percent(within.costUsd / best.costUsd)} of its cost; picked on the held-out results, so optimistic). Random mixing of the single tiers: ${perMillion(frontier.withinOfBestRandomMixCostUsd)}.`,
      `The trained thresholds: ${percent(frontier.trainedThresholds.accuracy)} at ${perMillion(frontier.trainedThresholds.costUsd)} (${percent(frontier.trainedThresholds.costUsd / best.costUsd)} of the best single tier's cost).`,
      `Area under the error-cost curve (mean error over the single tiers' cost range, lower is better): router ${fixed(frontier.areaUnderErrorCost.router, 4)}, single tiers ${fixed(frontier.areaUnderErrorCost.singles, 4)}, random mixing of single tiers ${fixed(frontier.areaUnderErrorCost.randomMix, 4)}.`,
    );
  }
  if (evaluation.learningCurve.length > 0) {
    out.push(
      '',
      'Learning curve (training rows per fold):',
      '',
      '| training size | mean log loss | mean AUC | area under error-cost | cost within target |',
      '| --- | --- | --- | --- | --- |',
      ...evaluation.learningCurve.map(
        (p) =>
          `| ${p.trainingSize} | ${fixed(p.logLoss)} | ${fixed(p.auc)} | ${fixed(p.areaUnderErrorCost, 4)} | ${perMillion(p.withinOfBestCostUsd)} |`,
      ),
    );
  }
  out.push(
    '',
    'Model chosen per tier and fold:',
    ...evaluation.selections.map((s) => `- ${s.tier}: ${s.chosen.join('; ')}`),
  );
  return out.join('\n');
}
