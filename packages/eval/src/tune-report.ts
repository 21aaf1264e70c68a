import { formatPoints } from './accuracy-points.ts';
import type { Interval, MeasuredFigures } from './cascade-profile.ts';
import { formatUsd } from './format-report.ts';
import type { TuneReport } from './tune.ts';

const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '-');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${formatPoints(x)}` : '-');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

const range = (i: Interval, show: (x: number) => string) => `${show(i.estimate)} [${show(i.low)}, ${show(i.high)}]`;
const thresholdText = (t: number) => String(Number(t.toPrecision(t > 0.99 && t < 1 ? 8 : 4)));

function ladderText(models: readonly string[], thresholds: readonly number[]): string {
  return models
    .map((m, i) => (i < thresholds.length ? `${m} (>= ${thresholdText(thresholds[i] as number)})` : m))
    .join(' -> ');
}

function figuresRow(label: string, f: MeasuredFigures | undefined): string[] {
  if (f === undefined) return [label, '-', '-', '-', '-', '-'];
  return [
    label,
    String(f.requests),
    pct(f.accuracy),
    signed(f.accuracyDelta),
    pct(f.relativeCost),
    formatUsd(f.costPerRequestUsd),
  ];
}

/**
 * A tune run as Markdown: the chosen ladder, its predicted figures (cross-validated, with intervals) beside
 * the in-sample and held-out figures, each candidate model alone, the estimated frontier, and the engine's
 * replay of the profile.
 */
export function formatTuneReport(report: TuneReport): string {
  const p = report.profile;
  const lines: string[] = [];
  lines.push(
    `Tune of **${p.name}**: ${p.fit.requests} fit requests${p.test === undefined ? '' : `, ${p.test.requests} held-out`}; target: ${p.target.description}.`,
    '',
  );
  for (const warning of report.warnings) lines.push(`**Warning:** ${warning}.`, '');
  lines.push(
    `Reference (best single model on the fit data): **${p.reference.model}**, accuracy ${pct(p.reference.accuracy)}, ${formatUsd(p.reference.costPerRequestUsd)} per request.`,
    '',
    `${report.found ? 'Chosen' : 'No ladder meets the target; falling back to'} (${report.reason}): **${ladderText(
      p.tiers.map((t) => t.model),
      p.tiers.flatMap((t) => (t.threshold === undefined ? [] : [t.threshold])),
    )}** (thresholds fitted at cost weight ${Number(p.search.lambda.toPrecision(3))}).`,
    '',
  );
  const e = p.expected;
  lines.push(
    table(
      ['', 'requests', 'accuracy', 'vs best single', 'cost vs best single', 'per request'],
      [
        [
          `predicted out of sample (${p.search.folds}-fold CV, ${pct(e.level, 0)} interval)`,
          String(p.fit.requests),
          range(e.accuracy, (x) => pct(x)),
          range(e.accuracyDelta, signed),
          range(e.relativeCost, (x) => pct(x)),
          '',
        ],
        figuresRow('fit data (in-sample, optimistic)', p.fit),
        figuresRow('held-out data (realized)', p.test),
      ],
    ),
    '',
  );
  lines.push(
    'Each candidate model alone:',
    '',
    table(
      ['model', 'fit accuracy', 'fit cost vs best', 'held-out accuracy', 'held-out cost vs best'],
      report.models.map((m) => [
        m.model === p.reference.model ? `${m.model} (best)` : m.model,
        pct(m.fit.accuracy),
        pct(m.fit.relativeCost),
        m.test === undefined ? '-' : pct(m.test.accuracy),
        m.test === undefined ? '-' : pct(m.test.relativeCost),
      ]),
    ),
    '',
  );
  lines.push(
    `Estimated frontier (cross-validated; the lowest estimated error + weight x cost over ${p.search.candidates} candidates: ${p.search.order === 'cost' ? 'ladders climbing in cost' : 'ladders in any order'}, 1 to ${p.search.maxTiers} tiers, thresholds refitted per fold), each refitted on all the fit data:`,
    '',
    table(
      ['ladder', 'predicted accuracy vs best', 'predicted cost vs best', 'fit', 'held-out'],
      report.frontier.map((f) => [
        ladderText(f.models, f.thresholds),
        `${signed(f.estimate.accuracyDelta)} +- ${formatPoints(f.estimate.accuracyDeltaSe)}`,
        `${pct(f.estimate.relativeCost)} +- ${pct(f.estimate.relativeCostSe)}`,
        `${signed(f.fit.accuracyDelta)} at ${pct(f.fit.relativeCost)}`,
        f.test === undefined ? '-' : `${signed(f.test.accuracyDelta)} at ${pct(f.test.relativeCost)}`,
      ]),
    ),
    '',
  );
  const check = report.engineCheck;
  if (check !== undefined) {
    lines.push(
      `Engine check on the ${check.on} data: the profile replayed through the cascade engine scores ${pct(check.engine.accuracy, 2)} for ${formatUsd(check.engine.costUsd)}; the search's own replay ${pct(check.simulated.accuracy, 2)} for ${formatUsd(check.simulated.costUsd)}: ${check.agree ? 'they agree' : '**they disagree**'}.`,
      '',
    );
  }
  return lines.join('\n');
}
