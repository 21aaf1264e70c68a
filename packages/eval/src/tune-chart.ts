import { type ChartMarker, type ChartPoint, renderFrontierChart } from './frontier-chart.ts';
import { paretoFront } from './pareto.ts';
import type { TuneReport } from './tune.ts';

/** Most candidates drawn: the Pareto-optimal ones always, then the cheapest-per-accuracy of the rest. */
const MAX_POINTS = 600;

/**
 * The tune run's chart: every candidate's cross-validated accuracy against its cost (both relative to the
 * best single model), the estimated Pareto frontier, the chosen ladder ringed, each model alone as a square,
 * and the chosen ladder's held-out figures when there are some.
 */
export function tuneChart(report: TuneReport): string {
  const p = report.profile;
  const refAccuracy = p.reference.accuracy;
  const plane = report.estimates.map((e) => ({ costUsd: e.relativeCost, accuracy: refAccuracy + e.accuracyDelta }));
  const front = paretoFront(plane);
  const order = plane
    .map((point, i) => ({ point, i }))
    .filter(({ i }) => !front.has(i))
    .sort((a, b) => b.point.accuracy - a.point.accuracy);
  const keep = new Set([...front, ...order.slice(0, Math.max(0, MAX_POINTS - front.size)).map(({ i }) => i)]);
  const names = (ladder: readonly number[]) => ladder.map((m) => p.search.models[m] ?? '?').join(' > ');
  const points: ChartPoint[] = [];
  report.estimates.forEach((e, i) => {
    if (!keep.has(i) && e !== report.chosen) return;
    points.push({
      x: 100 * e.relativeCost,
      y: 100 * (refAccuracy + e.accuracyDelta),
      label: names(e.candidate.ladder),
      pareto: front.has(i),
      selected: e === report.chosen,
    });
  });
  const markers: ChartMarker[] = report.models.map((m) => ({
    x: 100 * m.fit.relativeCost,
    y: 100 * m.fit.accuracy,
    label: `${m.model} alone`,
  }));
  if (p.test !== undefined) {
    markers.push({ x: 100 * p.test.relativeCost, y: 100 * p.test.accuracy, label: 'chosen, held-out' });
  }
  return renderFrontierChart({
    title: `${p.name}: tuned ladders, cross-validated (${p.fit.requests} fit requests)`,
    subtitle: `target: ${p.target.description}; point labels: ladders, cheapest tier first`,
    xLabel: `cost, % of ${p.reference.model} alone`,
    yLabel: 'accuracy (%)',
    points,
    baselines: markers,
    legend: {
      pareto: 'estimated Pareto-optimal ladder',
      other: 'other candidate',
      baseline: 'model alone (fit) / held-out',
    },
  });
}
