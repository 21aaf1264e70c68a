import { auditChart, costChart, flowChart, gateFailureChart, latencyChart } from './report-charts.ts';
import type { ReportData, WorstRequest } from './report-data.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attributes. Every string from a record goes through it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function usd(value: number): string {
  if (value === 0) return '$0';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value)} ms`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function figure(svg: string | undefined, caption: string): string {
  if (svg === undefined) return `<p class="empty">${escapeHtml(caption)}: nothing to show.</p>`;
  return `<figure class="chart">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function costText(data: ReportData): string {
  const cost = data.summary.cost;
  const parts = [
    `Spent ${usd(cost.totalUsd)} in all: ${usd(cost.answeredUsd)} on answered items, ${usd(cost.failedUsd)} on failed ones.`,
  ];
  if (cost.topTierUsd > 0) {
    parts.push(
      cost.topTierEstimatedUsd > 0
        ? `The top tier alone would have cost ${usd(cost.topTierUsd)} on the answered items, of which ${usd(cost.topTierEstimatedUsd)} is estimated from token counts (items that never reached the top tier) and ${usd(cost.topTierUsd - cost.topTierEstimatedUsd)} measured.`
        : `The top tier alone would have cost ${usd(cost.topTierUsd)} on the answered items (measured).`,
    );
  }
  if (cost.savedShareAllSpend !== undefined) {
    const share = cost.savedShareAllSpend;
    parts.push(
      share >= 0
        ? `${percent(share)} saved counting every dollar spent.`
        : `${percent(-share)} more than the top tier alone, counting every dollar spent.`,
    );
  }
  return `<p>${parts.map(escapeHtml).join(' ')}</p>`;
}

function attemptLine(attempt: WorstRequest['attempts'][number]): string {
  const failed =
    attempt.failedGate === undefined ? undefined : attempt.gates.find((g) => g.name === attempt.failedGate);
  const why =
    attempt.error !== undefined
      ? `error ${attempt.error.code}`
      : attempt.failedGate !== undefined
        ? `failed ${attempt.failedGate}${failed === undefined ? '' : `: ${failed.reason}`}`
        : attempt.outcome;
  return `<li>${escapeHtml(`#${attempt.index} ${attempt.kind} on ${attempt.tier} (${attempt.model}): ${why}, ${usd(attempt.costUsd)}, ${Math.round(attempt.latencyMs)} ms`)}</li>`;
}

function worstTable(data: ReportData): string {
  if (data.worst.length === 0) return '<p class="empty">No request.</p>';
  const rows = data.worst.map(
    (request) =>
      `<tr><td>${escapeHtml(request.id)}</td><td>${escapeHtml(request.outcome)}</td><td>${escapeHtml(request.tier ?? '–')}</td>` +
      `<td class="num">${escapeHtml(usd(request.costUsd))}</td><td class="num">${request.attempts.length}</td>` +
      `<td class="num">${escapeHtml(ms(request.latencyMs))}</td>` +
      `<td><ol>${request.attempts.map(attemptLine).join('')}</ol>${request.text === '' ? '' : `<pre>${escapeHtml(request.text)}</pre>`}</td></tr>`,
  );
  return (
    '<table><thead><tr><th>id</th><th>outcome</th><th>tier</th><th>cost</th><th>attempts</th><th>latency</th>' +
    `<th>attempts and answer (first 300 characters)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function countsText(data: ReportData): string {
  const c = data.summary.counts;
  const malformed = data.malformedLines > 0 ? `, ${data.malformedLines} malformed line(s) skipped` : '';
  return `<p>${escapeHtml(`${c.processed} request(s): ${c.accepted} accepted, ${c.notAccepted} answered but not accepted, ${c.errors} failed; ${data.summary.escalations} escalation(s), ${data.summary.repairs} repair(s)${malformed}.`)}</p>`;
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:920px;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2.2rem;border-bottom:1px solid #ddd}
figure{margin:0.5rem 0}figcaption{color:#666;font-size:0.85rem}svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:0.85rem}th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
td.num{text-align:right;white-space:nowrap}td:first-child{min-width:5rem;word-break:break-all}ol{margin:0;padding-left:1.2rem}pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;margin:4px 0 0;padding:4px;max-height:8rem;overflow:auto}
.empty{color:#666}
`;

/**
 * The report as one self-contained HTML page: inline CSS and SVG only, no script, and a Content-Security-Policy
 * that forbids every network load, so a hostile string that slipped through could neither run nor call out.
 */
export function renderReportHtml(options: { readonly data: ReportData; readonly title?: string }): string {
  const { data } = options;
  const title = options.title ?? 'llm-cascade run report';
  const { p50, p95, p99 } = data.latencyMs;
  const sections = [
    `<h1>${escapeHtml(title)}</h1>`,
    countsText(data),
    '<h2>Where requests went</h2>',
    figure(
      flowChart(data),
      'Requests from the start tier through escalations to the tier that answered, and how they ended',
    ),
    '<h2>Cost</h2>',
    costText(data),
    figure(costChart(data), 'Spend per tier against the top tier alone (grey hatched: estimated from token counts)'),
    '<h2>Gate failures</h2>',
    figure(gateFailureChart(data), 'Failed attempts by gate and reason'),
    '<h2>Latency per request</h2>',
    `<p>${escapeHtml(`p50 ${ms(p50)}, p95 ${ms(p95)}, p99 ${ms(p99)}`)}</p>`,
    figure(latencyChart(data), 'Latency percentiles (nearest rank)'),
  ];
  if (data.audit !== undefined) {
    const total = data.audit.agreed + data.audit.disagreed;
    sections.push(
      '<h2>Audit agreement</h2>',
      `<p>${escapeHtml(`${data.audit.agreed} of ${total} audited answers agreed with the upstream re-run (${percent(data.audit.agreed / total)}).`)}</p>`,
      figure(auditChart(data), 'Audited answers'),
    );
  }
  sections.push(
    '<h2>Worst requests</h2>',
    '<p>The most expensive requests and those with the most attempts.</p>',
    worstTable(data),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${sections.join('\n')}
</body></html>
`;
}
