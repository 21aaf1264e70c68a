import type { EvalReport } from './run-eval.ts';

/** One evaluated setting on the chart. */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  /** Shown beside Pareto and selected points. */
  readonly label?: string;
  readonly pareto?: boolean;
  readonly selected?: boolean;
}

/** A reference point (a single-tier baseline), drawn as a labelled square. */
export interface ChartMarker {
  readonly x: number;
  readonly y: number;
  readonly label: string;
}

export interface FrontierChartOptions {
  readonly title: string;
  /** A smaller line under the title (what the point labels mean, say). */
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: readonly ChartPoint[];
  readonly baselines?: readonly ChartMarker[];
  /** Pixels. Default 720 x 480. */
  readonly width?: number;
  readonly height?: number;
  /** Legend texts. Defaults: `Pareto-optimal setting`, `other setting`, `single tier alone`. */
  readonly legend?: { readonly pareto?: string; readonly other?: string; readonly baseline?: string };
  /** Tick label formatters. Default: up to 4 significant digits. */
  readonly formatX?: (value: number) => string;
  readonly formatY?: (value: number) => string;
}

const MARGIN = { top: 60, right: 28, bottom: 64, left: 72 };

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max))) return [];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const first = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [Number(first.toPrecision(12))];
  // Until the last tick covers the maximum: the data never sits outside the axes.
  while ((ticks[ticks.length - 1] as number) < max - step * 1e-9) {
    ticks.push(Number((first + ticks.length * step).toPrecision(12)));
  }
  return ticks;
}

const defaultFormat = (value: number) => String(Number(value.toPrecision(4)));

const num = (value: number) => (Math.round(value * 100) / 100).toString();

/**
 * Renders a cost/accuracy chart as a standalone SVG document: axes with ticks and labels, every setting as
 * a hollow circle, Pareto-optimal settings filled and joined by a step line, the selected setting ringed,
 * and the baselines as labelled squares. No dependencies; text is XML-escaped.
 */
export function renderFrontierChart(options: FrontierChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 480;
  const formatX = options.formatX ?? defaultFormat;
  const formatY = options.formatY ?? defaultFormat;
  const baselines = options.baselines ?? [];
  const finite = (p: { x: number; y: number }) => Number.isFinite(p.x) && Number.isFinite(p.y);
  const points = options.points.filter(finite);
  const markers = baselines.filter(finite);
  const all = [...points, ...markers];
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xTicks = niceTicks(Math.min(0, ...xs), xs.length === 0 ? 1 : Math.max(...xs));
  const yTicks = niceTicks(ys.length === 0 ? 0 : Math.min(...ys), ys.length === 0 ? 1 : Math.max(...ys));
  const xMin = xTicks[0] ?? 0;
  const xMax = xTicks[xTicks.length - 1] ?? 1;
  const yMin = yTicks[0] ?? 0;
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin || 1)) * plotH;
  const bottom = MARGIN.top + plotH;
  const right = MARGIN.left + plotW;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  if (options.subtitle !== undefined) {
    out.push(
      `<text x="${width / 2}" y="39" text-anchor="middle" font-size="11" fill="#555555">${escapeXml(options.subtitle)}</text>`,
    );
  }
  out.push('<g class="grid" stroke="#e5e5e5" stroke-width="1">');
  for (const tick of xTicks)
    out.push(`<line x1="${num(sx(tick))}" y1="${MARGIN.top}" x2="${num(sx(tick))}" y2="${bottom}"/>`);
  for (const tick of yTicks)
    out.push(`<line x1="${MARGIN.left}" y1="${num(sy(tick))}" x2="${right}" y2="${num(sy(tick))}"/>`);
  out.push('</g>');
  out.push(
    '<g class="axes" stroke="#333333" stroke-width="1.2">',
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}"/>`,
    '</g>',
  );
  out.push('<g class="ticks" fill="#333333">');
  for (const tick of xTicks) {
    out.push(`<text x="${num(sx(tick))}" y="${bottom + 18}" text-anchor="middle">${escapeXml(formatX(tick))}</text>`);
  }
  for (const tick of yTicks) {
    out.push(
      `<text x="${MARGIN.left - 8}" y="${num(sy(tick) + 4)}" text-anchor="end">${escapeXml(formatY(tick))}</text>`,
    );
  }
  out.push('</g>');
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 18}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text x="18" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${MARGIN.top + plotH / 2})">${escapeXml(options.yLabel)}</text>`,
  );

  const front = points.filter((p) => p.pareto === true).sort((a, b) => a.x - b.x);
  if (front.length > 1) {
    // A step line: each frontier point holds its accuracy until the next, costlier one improves on it.
    const path = front
      .map((p, i) => {
        const x = num(sx(p.x));
        const y = num(sy(p.y));
        return i === 0 ? `M${x},${y}` : `H${x}V${y}`;
      })
      .join('');
    out.push(`<path class="frontier" d="${path}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`);
  }
  out.push('<g class="settings">');
  for (const p of points) {
    const cx = num(sx(p.x));
    const cy = num(sy(p.y));
    if (p.pareto === true) {
      out.push(`<circle class="pareto" cx="${cx}" cy="${cy}" r="4.5" fill="#1f77b4" stroke="#1f77b4"/>`);
    } else {
      out.push(`<circle class="setting" cx="${cx}" cy="${cy}" r="3.5" fill="none" stroke="#999999"/>`);
    }
  }
  out.push('</g>');
  const labelled = points.filter((p) => (p.pareto === true || p.selected === true) && p.label !== undefined);
  // Many frontier points crowd the chart: label at most a dozen, spread along it.
  const every = Math.max(1, Math.ceil(labelled.length / 12));
  // A white halo keeps labels readable over grid lines and other points.
  out.push('<g class="labels" fill="#1f77b4" font-size="10" stroke="#ffffff" stroke-width="3" paint-order="stroke">');
  labelled.forEach((p, i) => {
    if (i % every !== 0 && p.selected !== true) return;
    out.push(`<text x="${num(sx(p.x) + 7)}" y="${num(sy(p.y) + 12)}">${escapeXml(p.label as string)}</text>`);
  });
  out.push('</g>');
  for (const p of points.filter((q) => q.selected === true)) {
    out.push(
      `<circle class="selected" cx="${num(sx(p.x))}" cy="${num(sy(p.y))}" r="9" fill="none" stroke="#d62728" stroke-width="2"/>`,
      `<text x="${num(sx(p.x) + 11)}" y="${num(sy(p.y) - 8)}" fill="#d62728" font-size="11">selected</text>`,
    );
  }
  out.push('<g class="baselines" stroke-linejoin="round">');
  for (const m of markers) {
    const x = sx(m.x);
    const y = sy(m.y);
    // Labels sit left of the marker, above it unless that would leave the plot.
    const labelY = y - 9 < MARGIN.top + 4 ? y + 18 : y - 9;
    const leftRoom = x - MARGIN.left > 8 + 6.5 * m.label.length;
    out.push(
      `<rect class="baseline" x="${num(x - 5)}" y="${num(y - 5)}" width="10" height="10" fill="#ff7f0e" stroke="#333333"/>`,
      `<text x="${num(leftRoom ? x - 8 : x + 8)}" y="${num(labelY)}" text-anchor="${leftRoom ? 'end' : 'start'}" font-size="11" fill="#b35806" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(m.label)}</text>`,
    );
  }
  out.push('</g>');
  // Legend, bottom right inside the plot: costly and inaccurate settings, rarely drawn, live there.
  const legend = {
    pareto: options.legend?.pareto ?? 'Pareto-optimal setting',
    other: options.legend?.other ?? 'other setting',
    baseline: options.legend?.baseline ?? 'single tier alone',
  };
  const legendWidth = 30 + 6.2 * Math.max(...Object.values(legend).map((text) => text.length));
  const lx = right - legendWidth;
  const ly = bottom - 60;
  out.push(
    '<g class="legend" font-size="11">',
    `<rect x="${num(lx - 6)}" y="${ly - 8}" width="${num(legendWidth)}" height="58" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`,
    `<circle cx="${num(lx + 4)}" cy="${ly + 2}" r="4" fill="#1f77b4"/><text x="${num(lx + 14)}" y="${ly + 6}">${escapeXml(legend.pareto)}</text>`,
    `<circle cx="${num(lx + 4)}" cy="${ly + 18}" r="3.5" fill="none" stroke="#999999"/><text x="${num(lx + 14)}" y="${ly + 22}">${escapeXml(legend.other)}</text>`,
    `<rect x="${num(lx - 1)}" y="${ly + 29}" width="10" height="10" fill="#ff7f0e" stroke="#333333"/><text x="${num(lx + 14)}" y="${ly + 38}">${escapeXml(legend.baseline)}</text>`,
    '</g>',
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function shortSetting(setting: Readonly<Record<string, number>>): string {
  const entries = Object.entries(setting);
  if (entries.length === 1) return String(entries[0]?.[1]);
  return entries.map(([key, value]) => `${key.split('.').pop()}=${value}`).join(' ');
}

/**
 * The chart of an evaluation report: accuracy (%) against cost relative to the always-strongest baseline
 * (%), or against USD per request when there is no baseline with a cost. Pareto points carry their setting.
 */
export function frontierChart(report: EvalReport, options: { readonly title?: string } = {}): string {
  const strongest = report.baselines.find((b) => b.role === 'strongest');
  const relative = strongest !== undefined && strongest.measures.costUsd > 0;
  const x = (costUsd: number, perRequest: number) =>
    relative ? (100 * costUsd) / (strongest as { measures: { costUsd: number } }).measures.costUsd : perRequest;
  const selectedIndex = report.selection?.found === true ? report.selection.index : -1;
  const unique = new Map<string, ChartMarker>();
  for (const baseline of report.baselines) {
    const key = `${baseline.tier}`;
    if (unique.has(key)) continue;
    unique.set(key, {
      x: x(baseline.measures.costUsd, baseline.measures.costPerRequestUsd),
      y: 100 * baseline.measures.accuracy,
      label: `${baseline.tier} alone`,
    });
  }
  return renderFrontierChart({
    title: options.title ?? `${report.name}: cost vs accuracy (${report.requests} requests)`,
    ...(report.swept.length === 0 ? {} : { subtitle: `point labels: ${report.swept.join(', ')}` }),
    xLabel: relative ? `cost, % of ${strongest?.tier} alone` : 'cost per request (USD)',
    yLabel: 'accuracy (%)',
    points: report.points.map((point, i) => ({
      x: x(point.measures.costUsd, point.measures.costPerRequestUsd),
      y: 100 * point.measures.accuracy,
      label: shortSetting(point.setting),
      pareto: point.pareto,
      selected: i === selectedIndex,
    })),
    baselines: [...unique.values()],
  });
}
