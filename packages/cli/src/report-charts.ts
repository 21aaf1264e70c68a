import * as echarts from 'echarts';
import { FLOW_NODES, type ReportData } from './report-data.ts';

/** Any ECharts option object; typed loosely because ECharts' own option type is a wide union. */
type ChartOption = Parameters<echarts.ECharts['setOption']>[0];

const WIDTH = 860;
const COLOURS = ['#4e79a7', '#f28e2b', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];

/**
 * Renders an ECharts option to an SVG string with ECharts' server-side SVG renderer (no DOM, no script in
 * the output). ECharts escapes the text it writes into the SVG.
 */
export function renderChart(option: ChartOption, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  try {
    chart.setOption({
      animation: false,
      color: COLOURS,
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function usdLabel(value: number): string {
  if (value === 0) return '$0';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

const END_COLOURS: Record<string, string> = {
  [FLOW_NODES.accepted]: '#59a14f',
  [FLOW_NODES.notAccepted]: '#edc948',
  [FLOW_NODES.failed]: '#e15759',
  [FLOW_NODES.start]: '#79706e',
};

/** One colour per tier, by cascade order, so a tier has the same colour in every chart. */
function tierColour(data: ReportData, tier: string): string {
  const index = Math.max(0, data.tiers.indexOf(tier));
  return COLOURS[index % COLOURS.length] as string;
}

/** Where requests went: start → tiers → end, as a Sankey diagram; undefined when there is no record. */
export function flowChart(data: ReportData): string | undefined {
  if (data.flow.length === 0) return undefined;
  const names = new Set<string>();
  for (const link of data.flow) names.add(link.from).add(link.to);
  const nodes = [...names].map((name) => ({
    name,
    itemStyle: { color: END_COLOURS[name] ?? tierColour(data, name) },
  }));
  return renderChart(
    {
      series: [
        {
          type: 'sankey',
          left: 20,
          right: 140,
          top: 20,
          bottom: 20,
          nodeAlign: 'left',
          data: nodes,
          links: data.flow.map((link) => ({ source: link.from, target: link.to, value: link.count })),
          label: { formatter: '{b}: {c}' },
          lineStyle: { color: 'gradient', opacity: 0.35 },
          emphasis: { focus: 'adjacency' },
        },
      ],
    },
    Math.max(260, 40 * names.size),
  );
}

/** Spend per tier (stacked) against the top tier alone, split into measured and estimated. */
export function costChart(data: ReportData): string {
  const cost = data.summary.cost;
  const categories = ['cascade (all spend)', 'top tier alone (answered items)'];
  const tierSeries = data.costByTier.map((entry) => ({
    name: entry.tier,
    type: 'bar' as const,
    stack: 'cost',
    data: [entry.usd, 0],
    itemStyle: { color: tierColour(data, entry.tier) },
  }));
  const measured = cost.topTierUsd - cost.topTierEstimatedUsd;
  return renderChart(
    {
      // ECharts measures text without a browser; the wide gap keeps legend items from overlapping.
      legend: { top: 0, itemGap: 28 },
      grid: { left: 220, right: 40, top: 40, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { formatter: usdLabel } },
      yAxis: { type: 'category', data: categories, inverse: true },
      series: [
        ...tierSeries,
        { name: 'top tier, measured', type: 'bar', stack: 'cost', data: [0, measured], itemStyle: { color: '#555' } },
        {
          name: 'top tier, estimated',
          type: 'bar',
          stack: 'cost',
          data: [0, cost.topTierEstimatedUsd],
          itemStyle: { color: '#bbb', decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4] } },
        },
      ],
    },
    200,
  );
}

/** Gate failures by gate and reason, one bar per pair; undefined when no gate failed. */
export function gateFailureChart(data: ReportData): string | undefined {
  const rows = Object.entries(data.summary.gateFailureReasons).flatMap(([gate, reasons]) =>
    Object.entries(reasons).map(([reason, count]) => ({ label: `${gate}: ${reason}`, count })),
  );
  if (rows.length === 0) return undefined;
  rows.sort((a, b) => b.count - a.count);
  return renderChart(
    {
      grid: { left: 260, right: 60, top: 10, bottom: 30 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        data: rows.map((row) => row.label),
        inverse: true,
        // A reason is untrusted text of any length: cut it to the margin (the worst-requests table has it whole).
        axisLabel: { width: 240, overflow: 'truncate' },
      },
      series: [{ type: 'bar', data: rows.map((row) => row.count), label: { show: true, position: 'right' } }],
    },
    Math.max(120, 50 + 32 * rows.length),
  );
}

/** Latency percentiles per item; undefined when there is no record. */
export function latencyChart(data: ReportData): string | undefined {
  const { p50, p95, p99 } = data.latencyMs;
  if (p50 === undefined || p95 === undefined || p99 === undefined) return undefined;
  return renderChart(
    {
      grid: { left: 80, right: 60, top: 10, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { formatter: '{value} ms' } },
      yAxis: { type: 'category', data: ['p50', 'p95', 'p99'], inverse: true },
      series: [
        {
          type: 'bar',
          data: [p50, p95, p99].map((value) => Math.round(value)),
          label: { show: true, position: 'right', formatter: '{c} ms' },
        },
      ],
    },
    160,
  );
}

/** Audit agreement as one stacked bar; undefined when no record carries audit data. */
export function auditChart(data: ReportData): string | undefined {
  if (data.audit === undefined) return undefined;
  return renderChart(
    {
      legend: { top: 0 },
      grid: { left: 80, right: 40, top: 40, bottom: 30 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: ['audited'] },
      series: [
        { name: 'agreed', type: 'bar', stack: 'audit', data: [data.audit.agreed], itemStyle: { color: '#59a14f' } },
        {
          name: 'disagreed',
          type: 'bar',
          stack: 'audit',
          data: [data.audit.disagreed],
          itemStyle: { color: '#e15759' },
        },
      ],
    },
    140,
  );
}
