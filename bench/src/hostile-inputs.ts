// Every gate against hostile model output: the verdict, the longest event-loop stall, wall time and memory
// of each case, with the stall read against the 50 ms budget (DESIGN.md's performance budget).
import { availableParallelism, loadavg } from 'node:os';
import { idleStall, probeEventLoop, worstStall } from './event-loop-probe.ts';
import { BATTERIES, type HostileCase, type Verdict } from './hostile-cases.ts';
import { type BenchResult, saveResult } from './result-file.ts';
import { format } from './stats.ts';

const STALL_BUDGET_MS = 50;
const MiB = 1_048_576;

interface Row {
  readonly gate: string;
  readonly name: string;
  readonly kind: HostileCase['kind'];
  readonly bytes: number;
  readonly verdict: Verdict;
  readonly stallMs: number;
  readonly wallMs: number;
  /** The largest resident set sampled while the case ran (main process only), in MiB. */
  readonly rssPeakMiB: number;
  /** How far the case raised the process's lifetime maxRSS, in MiB (0: it stayed under an earlier peak). */
  readonly maxRssGrowthMiB: number;
}

const sleep = (ms: number) => new Promise((settle) => setTimeout(settle, ms));
const maxRssMiB = () => (process.resourceUsage().maxRSS * 1024) / MiB;
const rssMiB = () => process.memoryUsage.rss() / MiB;

async function measure(gate: string, item: HostileCase): Promise<Row> {
  globalThis.gc?.();
  await sleep(5);
  const maxBefore = maxRssMiB();
  let rssPeak = rssMiB();
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMiB());
  }, 5);
  const probe = probeEventLoop();
  const started = performance.now();
  let verdict: Verdict;
  try {
    verdict = await item.run();
  } catch (error) {
    // A gate that throws on model output is a finding, reported as such rather than ending the bench.
    verdict = { status: 'THREW', reason: error instanceof Error ? error.message.slice(0, 80) : String(error) };
  }
  const wallMs = performance.now() - started;
  rssPeak = Math.max(rssPeak, rssMiB());
  // The probes see a synchronous stall only once the loop turns again.
  await sleep(5);
  const stall = probe.stop();
  clearInterval(sampler);
  return {
    gate,
    name: item.name,
    kind: item.kind,
    bytes: item.bytes,
    verdict,
    stallMs: worstStall(stall),
    wallMs,
    rssPeakMiB: rssPeak,
    maxRssGrowthMiB: Math.max(0, maxRssMiB() - maxBefore),
  };
}

function table(rows: readonly Row[]): string {
  const lines = [
    '| gate | case | bytes | verdict | longest stall | ratio to 50 ms | wall | RSS peak (sampled) | maxRSS growth |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.gate} | ${r.kind === 'known' ? '**known:** ' : ''}${r.name.replaceAll('|', '\\|')} | ${r.bytes.toLocaleString('en')} | ${r.verdict.status} ${r.verdict.reason} | ${format.ms(r.stallMs)} | ${format.ratio(r.stallMs / STALL_BUDGET_MS)} | ${format.ms(r.wallMs)} | ${r.rssPeakMiB.toFixed(0)} MiB | ${r.maxRssGrowthMiB.toFixed(0)} MiB |`,
    );
  }
  return lines.join('\n');
}

export async function hostileInputsBench(): Promise<BenchResult> {
  const loadBefore = loadavg();
  const idle = await idleStall(2_000);
  const rows: Row[] = [];
  for (const build of BATTERIES) {
    const battery = build();
    try {
      await battery.warmUp();
      for (const item of battery.cases) {
        const row = await measure(battery.gate, item);
        console.error(
          `  ${row.gate} / ${row.name}: ${row.verdict.status} ${row.verdict.reason}, stall ${row.stallMs.toFixed(1)} ms, wall ${row.wallMs.toFixed(1)} ms`,
        );
        rows.push(row);
      }
    } finally {
      await battery.close();
    }
  }
  const loadAfter = loadavg();
  const worst = rows.reduce((a, b) => (b.stallMs > a.stallMs ? b : a));
  const over = rows.filter((r) => r.stallMs > STALL_BUDGET_MS);
  const threw = rows.filter((r) => r.verdict.status === 'THREW');
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
  const markdown = [
    'Each gate against hostile model output: the known inputs that stalled or broke a gate before it was hardened',
    '(**known**), and generated deep, wide, long and repetitive answers up to (and just past) each gate’s size cap.',
    'Each case is evaluated once through `gate.evaluate` on a built, warmed gate. *Longest stall* is the worse of',
    '`monitorEventLoopDelay`’s maximum and a 1 ms interval probe’s lateness while the case ran (`event-loop-probe.ts`),',
    'read against the 50 ms budget (ratio below 1 meets it). *RSS peak* is sampled every 5 ms and at the end (a',
    'synchronous case can only be seen at its end); *maxRSS growth* is how far the case raised',
    '`process.resourceUsage().maxRSS`. Both are the bench process only: the code gates’ checker and sandbox',
    'processes are capped by the gates themselves and not counted here.',
    '',
    table(rows),
    '',
    `Longest stall: ${format.ms(worst.stallMs)} (${worst.gate} / ${worst.name}), ratio ${format.ratio(worst.stallMs / STALL_BUDGET_MS)} to the 50 ms budget; ` +
      `${over.length} of ${rows.length} cases over the budget; ${threw.length} threw. ` +
      `Idle probe (nothing running, 2 s): ${format.ms(worstStall(idle))}. ` +
      `Load average ${load(loadBefore)} before and ${load(loadAfter)} after, on ${availableParallelism()} cores: the machine is shared, so a stall near the idle figure is the machine’s noise, not the gate.`,
  ].join('\n');
  const figures: Record<string, number | string | boolean> = {
    cases: rows.length,
    worstStallMs: worst.stallMs,
    worstStallCase: `${worst.gate} / ${worst.name}`,
    worstStallRatio: worst.stallMs / STALL_BUDGET_MS,
    casesOverBudget: over.length,
    casesThrew: threw.length,
    idleStallMs: worstStall(idle),
    loadAverageBefore: load(loadBefore),
    loadAverageAfter: load(loadAfter),
  };
  for (const r of rows) {
    const key = `${r.gate} / ${r.name}`;
    figures[`${key}: verdict`] = `${r.verdict.status} ${r.verdict.reason}`;
    figures[`${key}: stallMs`] = Number(r.stallMs.toFixed(2));
    figures[`${key}: wallMs`] = Number(r.wallMs.toFixed(2));
    figures[`${key}: rssPeakMiB`] = Number(r.rssPeakMiB.toFixed(1));
  }
  return saveResult({
    name: 'hostile-inputs',
    title: 'Gates against hostile model output',
    command: 'scripts/with-node pnpm bench hostile-inputs',
    markdown,
    figures,
  });
}
