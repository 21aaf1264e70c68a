import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import type { CommandIo } from './command-io.ts';
import { toJsonLine } from './output-record.ts';
import { renderReport } from './report.ts';
import { reportDataFromLines } from './report-data.ts';
import { escapeHtml, renderReportHtml } from './report-html.ts';
import { HOSTILE_TEXT, reportRecords } from './testing/report-records.ts';

function lines(): string[] {
  return reportRecords().map((record) => toJsonLine(record));
}

function captureIo(): CommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env: {},
    stdout: { write: (text: string) => (io.out += text) },
    stderr: { write: (text: string) => (io.err += text) },
  };
  return io;
}

describe('report data', () => {
  it('follows each request from the start through its tiers to how it ended', () => {
    const data = reportDataFromLines(lines());
    expect(data.tiers).toEqual(['small', 'medium', 'large']);
    const flow = Object.fromEntries(data.flow.map((link) => [`${link.from} > ${link.to}`, link.count]));
    expect(flow).toEqual({
      'requests > small': 19,
      'small > accepted': 13,
      'small > medium': 6,
      'medium > accepted': 4,
      'medium > large': 2,
      'large > accepted': 1,
      'large > failed': 1,
    });
  });

  it('sums cost per tier, computes p50/p95/p99, counts audits and ranks the worst requests', () => {
    const data = reportDataFromLines([...lines(), 'not json', '{"id":1}', '']);
    const cost = Object.fromEntries(data.costByTier.map((entry) => [entry.tier, entry.usd]));
    expect(cost.small).toBeCloseTo(0.02, 9);
    expect(cost.medium).toBeCloseTo(0.03, 9);
    expect(cost.large).toBeCloseTo(0.048, 9);
    expect(data.latencyMs).toEqual({ p50: 160, p95: 3000, p99: 3000 });
    expect(data.audit).toEqual({ agreed: 4, disagreed: 2 });
    expect(data.malformedLines).toBe(2);
    expect(data.worst[0]?.id).toBe(HOSTILE_TEXT);
    expect(data.worst[1]?.id).toBe('exhausted');
    expect(data.worst[1]?.outcome).toBe('CASCADE_EXHAUSTED');
    expect(reportDataFromLines(lines(), { worstLimit: 1 }).worst.map((r) => r.id)).toEqual([HOSTILE_TEXT]);
  });

  it('has no audit section when no record carries audit data', () => {
    const plain = reportRecords().map((record) => {
      const { audit: _audit, ...rest } = record as typeof record & { audit?: unknown };
      return toJsonLine(rest as typeof record);
    });
    const data = reportDataFromLines(plain);
    expect(data.audit).toBeUndefined();
    expect(renderReportHtml({ data })).not.toContain('Audit agreement');
  });
});

describe('report html', () => {
  it('escapes every string from the records: no hostile markup reaches the page', () => {
    const html = renderReportHtml({ data: reportDataFromLines(lines()) });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(HOSTILE_TEXT));
    expect(html).toContain('Content-Security-Policy" content="default-src \'none\'');
  });

  it('is self-contained: five inline SVG charts and no external reference', () => {
    const html = renderReportHtml({ data: reportDataFromLines(lines()) });
    expect(html.match(/<svg /g)?.length).toBe(5);
    expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//);
    expect(html).not.toMatch(/url\(\s*["']?https?:/);
    expect(html).toContain(
      'of which $0.340 is estimated from token counts (items that never reached the top tier) and $0.0200 measured',
    );
  });
});

describe('renderReport', () => {
  it('renders the same page from records as the command does from their lines', async () => {
    const records = reportRecords();
    const fromLines = renderReportHtml({ data: reportDataFromLines(lines()), title: 'demo' });
    // ECharts numbers its SVG ids and classes with process-wide counters: compare the page around the charts.
    const normalise = (html: string) => html.replace(/<svg[\s\S]*?<\/svg>/g, '<svg/>');
    const fromRecords = await renderReport({ records, title: 'demo' });
    expect(fromRecords.match(/<svg /g)?.length).toBe(5);
    expect(normalise(fromRecords)).toBe(normalise(fromLines));
  });
});

describe('llm-cascade report', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the page and names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'results.jsonl'), lines().join(''));
    const io = captureIo();
    const code = await runCli(['report', join(dir, 'results.jsonl'), '--html', join(dir, 'out.html')], io);
    expect(code).toBe(0);
    expect(io.out).toContain('(19 request(s))');
    expect(readFileSync(join(dir, 'out.html'), 'utf8')).toContain('<h2>Where requests went</h2>');
  });

  it('exits 2 on a missing --html or an unreadable input, and prints its help', async () => {
    const io = captureIo();
    expect(await runCli(['report', 'x.jsonl'], io)).toBe(2);
    expect(io.err).toContain('missing --html');
    expect(await runCli(['report', '/nonexistent/results.jsonl', '--html', '/tmp/x.html'], io)).toBe(2);
    expect(io.err).toContain('cannot read');
    expect(await runCli(['help', 'report'], io)).toBe(0);
    expect(io.out).toContain('Usage: llm-cascade report');
  });
});
