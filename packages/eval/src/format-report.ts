import { basename } from 'node:path';
import type { RunMeasures } from './measure-run.ts';
import type { EvalPoint, EvalReport } from './run-eval.ts';

const pct = (x: number) => (Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);

/** USD with enough digits for tiny per-request costs. */
export function formatUsd(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (value === 0) return '$0';
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  return `$${Number(value.toPrecision(3))}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escapeCell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

function settingText(setting: Readonly<Record<string, number>>): string {
  const entries = Object.entries(setting);
  return entries.length === 0 ? 'defaults' : entries.map(([key, value]) => `${key}=${value}`).join(', ');
}

/** The per-tier and per-gate tables of one run. */
export function formatMeasures(measures: RunMeasures): string {
  const tiers = table(
    ['tier', 'model', 'reached', 'answered', 'accepted', 'escalated', 'escalation rate', 'cost'],
    measures.tiers.map((t) => [
      t.tier,
      t.model,
      String(t.reached),
      String(t.answered),
      String(t.accepted),
      String(t.escalated),
      pct(t.escalationRate),
      formatUsd(t.costUsd),
    ]),
  );
  const gates = table(
    ['tier', 'gate', 'evaluated', 'passed', 'failed', 'skipped', 'pass rate', 'failure reasons'],
    measures.gates.map((g) => [
      g.tier,
      g.gate,
      String(g.evaluated),
      String(g.passed),
      String(g.failed),
      String(g.skipped),
      pct(g.passRate),
      g.failReasons
        .slice(0, 4)
        .map((r) => `${r.reason} ${r.count}`)
        .join(', '),
    ]),
  );
  const errors =
    measures.errors.length === 0
      ? ''
      : `\n\nRuns that returned no answer, by error:\n\n${measures.errors
          .slice(0, 5)
          .map((e) => `- ${e.count} x ${e.code}, e.g. ${e.example.slice(0, 300)}`)
          .join('\n')}`;
  return `${tiers}\n\n${gates}${errors}`;
}

function summaryRow(label: string, measures: RunMeasures, relative: number): string[] {
  return [
    label,
    pct(measures.accuracy),
    `${measures.correct}/${measures.scored}`,
    pct(measures.requests === 0 ? Number.NaN : measures.accepted / measures.requests),
    formatUsd(measures.costUsd),
    formatUsd(measures.costPerRequestUsd),
    pct(relative),
  ];
}

/** The point the detailed tables describe: the selected setting, else the only one, else the most accurate Pareto point. */
function focusPoint(report: EvalReport): { point: EvalPoint; why: string } | undefined {
  const selection = report.selection;
  if (selection?.found === true) {
    const point = report.points[selection.index];
    if (point !== undefined) return { point, why: 'selected' };
  }
  if (report.points.length === 1) return { point: report.points[0] as EvalPoint, why: 'evaluated' };
  const front = report.points.filter((p) => p.pareto);
  const best = front.reduce<EvalPoint | undefined>(
    (acc, p) => (acc === undefined || p.measures.accuracy > acc.measures.accuracy ? p : acc),
    undefined,
  );
  return best === undefined ? undefined : { point: best, why: 'most accurate Pareto-optimal' };
}

/**
 * The evaluation as Markdown: baselines beside the cascade, the frontier table of a sweep with Pareto
 * points marked, the selection, and per-tier and per-gate tables of the selected (or only) setting.
 */
export function formatReport(report: EvalReport): string {
  const strongest = report.baselines.find((b) => b.role === 'strongest');
  const strongestCost = strongest?.measures.costUsd ?? Number.NaN;
  const relative = (cost: number) => (strongestCost > 0 ? cost / strongestCost : Number.NaN);
  const lines: string[] = [];
  lines.push(
    `Evaluation of **${report.name}** on ${report.data === '(records)' ? 'in-memory records' : `\`${basename(report.data)}\``}: ${report.requests} requests, scoring \`${report.scoring.mode}\`.`,
    '',
  );
  if (report.gateErrors > 0) {
    lines.push(
      `**Warning: ${report.gateErrors} gate verdicts were gate errors** (a gate crashed or was closed, reason \`gate-error\`): those answers escalated or failed for no reason of their own, so the figures below are not the config's.`,
      '',
    );
  }
  const fixed = Object.entries(report.fixed ?? {});
  if (fixed.length > 0) lines.push(`Fixed parameters: ${fixed.map(([k, v]) => `${k}=${v}`).join(', ')}.`, '');
  const header = [
    'configuration',
    'accuracy',
    'correct/scored',
    'accepted',
    'cost',
    'per request',
    'cost vs strongest',
  ];
  const rows: string[][] = [];
  const seen = new Set<string>();
  for (const baseline of report.baselines) {
    if (seen.has(baseline.tier)) continue;
    seen.add(baseline.tier);
    rows.push(
      summaryRow(`${baseline.tier} alone (${baseline.role})`, baseline.measures, relative(baseline.measures.costUsd)),
    );
  }
  const focus = focusPoint(report);
  if (report.points.length === 1 && focus !== undefined) {
    rows.push(
      summaryRow(`cascade (${settingText(focus.point.setting)})`, focus.point.measures, focus.point.relativeCost),
    );
  }
  lines.push(table(header, rows), '');

  if (report.points.length > 1) {
    lines.push(`Sweep over ${report.swept.join(', ')}: ${report.points.length} settings (* = Pareto-optimal).`, '');
    lines.push(
      table(
        [
          ...report.swept,
          'accuracy',
          'cost',
          'per request',
          'cost vs strongest',
          'escalated from first tier',
          'pareto',
        ],
        report.points.map((point) => [
          ...report.swept.map((param) => String(point.setting[param])),
          pct(point.measures.accuracy),
          formatUsd(point.measures.costUsd),
          formatUsd(point.measures.costPerRequestUsd),
          pct(point.relativeCost),
          pct(point.measures.tiers[0]?.escalationRate ?? Number.NaN),
          point.pareto ? '*' : '',
        ]),
      ),
      '',
    );
  }
  if (report.selection !== undefined) {
    const selection = report.selection;
    if (selection.found) {
      const point = report.points[selection.index] as EvalPoint;
      lines.push(
        `Selected (${selection.reason}): ${settingText(point.setting)}: accuracy ${pct(point.measures.accuracy)}, cost ${formatUsd(point.measures.costUsd)} (${pct(point.relativeCost)} of the strongest alone).`,
        '',
      );
    } else {
      lines.push(`No setting meets ${selection.criterion}: ${selection.reason}.`, '');
    }
  }
  if (focus !== undefined) {
    lines.push(`Tiers and gates of the ${focus.why} setting (${settingText(focus.point.setting)}):`, '');
    lines.push(formatMeasures(focus.point.measures), '');
  }
  return lines.join('\n');
}
