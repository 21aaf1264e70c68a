// Every gate against hostile model output: the verdict, the longest event-loop stall, wall time and memory
// of each case, with the stall read against the 50 ms budget (DESIGN.md's performance budget).
import { availableParallelism, loadavg } from 'node:os';
import { idleStall, probeEventLoop, worstStall } from './event-loop-probe.ts';
import { BATTERIES, type HostileCase, type PreparedCase, type Verdict } from './hostile-cases.ts';
import { type BenchResult, saveResult } from './result-file.ts';
import { format } from './stats.ts';

const STALL_BUDGET_MS = 50;
const MiB = 1_048_576;

/** Each case runs up to this many times (fewer once a run takes over REPEAT_UNDER_MS): the machine is noisy. */
const RUNS = 3;
const REPEAT_UNDER_MS = 2_000;

interface Row {
  readonly gate: string;
  readonly name: string;
  readonly kind: HostileCase['kind'];
  readonly bytes: number;
  readonly verdict: Verdict;
  readonly runs: number;
  /** The longest event-loop stall of the run that stalled least, and of the one that stalled most, in ms. */
  readonly stallMinMs: number;
  readonly stallMaxMs: number;
  /** Wall time of the fastest run, in ms. */
  readonly wallMs: number;
  /** The largest resident set sampled while the runs went (main process only), in MiB. */
  readonly rssPeakMiB: number;
  /** How far the runs raised the process's lifetime maxRSS, in MiB (0: it stayed under an earlier peak). */
  readonly maxRssGrowthMiB: number;
}

const sleep = (ms: number) => new Promise((settle) => setTimeout(settle, ms));
const maxRssMiB = () => (process.resourceUsage().maxRSS * 1024) / MiB;
const rssMiB = () => process.memoryUsage.rss() / MiB;

interface Run {
  readonly verdict: Verdict;
  readonly stallMs: number;
  readonly wallMs: number;
}

async function runOnce(prepared: PreparedCase): Promise<Run> {
  await sleep(5);
  const probe = probeEventLoop();
  const started = performance.now();
  let verdict: Verdict;
  try {
    verdict = await prepared.run();
  } catch (error) {
    // A gate that throws on model output is a finding, reported as such rather than ending the bench.
    verdict = { status: 'THREW', reason: error instanceof Error ? error.message.slice(0, 80) : String(error) };
  }
  const wallMs = performance.now() - started;
  // The probes see a synchronous stall only once the loop turns again.
  await sleep(5);
  return { verdict, stallMs: worstStall(probe.stop()), wallMs };
}

async function measure(gate: string, item: HostileCase): Promise<Row> {
  const prepared = item.prepare();
  globalThis.gc?.();
  const maxBefore = maxRssMiB();
  let rssPeak = rssMiB();
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMiB());
  }, 5);
  const runs: Run[] = [];
  try {
    do {
      runs.push(await runOnce(prepared));
      rssPeak = Math.max(rssPeak, rssMiB());
    } while (runs.length < RUNS && (runs.at(-1) as Run).wallMs < REPEAT_UNDER_MS);
  } finally {
    clearInterval(sampler);
  }
  const verdicts = new Set(runs.map((run) => `${run.verdict.status} ${run.verdict.reason}`));
  const first = (runs[0] as Run).verdict;
  return {
    gate,
    name: item.name,
    kind: item.kind,
    bytes: prepared.bytes,
    // Runs that disagree are reported as such (a verdict should not depend on timing).
    verdict: verdicts.size === 1 ? first : { status: [...verdicts].join(' / '), reason: '(runs disagree)' },
    runs: runs.length,
    stallMinMs: Math.min(...runs.map((run) => run.stallMs)),
    stallMaxMs: Math.max(...runs.map((run) => run.stallMs)),
    wallMs: Math.min(...runs.map((run) => run.wallMs)),
    rssPeakMiB: rssPeak,
    maxRssGrowthMiB: Math.max(0, maxRssMiB() - maxBefore),
  };
}

function table(rows: readonly Row[]): string {
  const lines = [
    '| gate | case | bytes | verdict | longest stall, least / most of the runs | ratio to 50 ms, least / most | fastest wall | runs | RSS peak (sampled) | maxRSS growth |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const ratios = `${format.ratio(r.stallMinMs / STALL_BUDGET_MS)} / ${format.ratio(r.stallMaxMs / STALL_BUDGET_MS)}`;
    lines.push(
      `| ${r.gate} | ${r.kind === 'known' ? '**known:** ' : ''}${r.name.replaceAll('|', '\\|')} | ${r.bytes.toLocaleString('en')} | ${r.verdict.status} ${r.verdict.reason} | ${format.ms(r.stallMinMs)} / ${format.ms(r.stallMaxMs)} | ${ratios} | ${format.ms(r.wallMs)} | ${r.runs} | ${r.rssPeakMiB.toFixed(0)} MiB | ${r.maxRssGrowthMiB.toFixed(0)} MiB |`,
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
          `  ${row.gate} / ${row.name}: ${row.verdict.status} ${row.verdict.reason}, stall ${row.stallMinMs.toFixed(1)}-${row.stallMaxMs.toFixed(1)} ms, wall ${row.wallMs.toFixed(1)} ms`,
        );
        rows.push(row);
      }
    } finally {
      await battery.close();
    }
  }
  const loadAfter = loadavg();
  // The least stall of a case's runs is what the gate causes every time; the most adds the machine's noise.
  const worst = rows.reduce((a, b) => (b.stallMinMs > a.stallMinMs ? b : a));
  const worstAny = rows.reduce((a, b) => (b.stallMaxMs > a.stallMaxMs ? b : a));
  const over = rows.filter((r) => r.stallMinMs > STALL_BUDGET_MS);
  const overAny = rows.filter((r) => r.stallMaxMs > STALL_BUDGET_MS);
  const threw = rows.filter((r) => r.verdict.status.includes('THREW'));
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
  const markdown = [
    'Each gate against hostile model output: the known inputs that stalled or broke a gate before it was hardened',
    '(**known**), and generated deep, wide, long and repetitive answers up to (and just past) each gate’s size cap.',
    `Each case goes through \`gate.evaluate\` on a built, warmed gate, ${RUNS} times (once if a run takes over`,
    `${REPEAT_UNDER_MS / 1000} s). *Longest stall* is the worse of \`monitorEventLoopDelay\`’s maximum and a 1 ms interval`,
    'probe’s lateness while a run went (`event-loop-probe.ts`), shown for the run that stalled least (what the gate',
    'causes every time) and the one that stalled most (with the machine’s noise), against the 50 ms budget (ratio',
    'below 1 meets it). *RSS peak* is sampled every 5 ms and after each run (a synchronous gate is only seen at its',
    'end); *maxRSS growth* is how far the case raised `process.resourceUsage().maxRSS`. Both count the bench',
    'process only, answers included: the code gates’ checker and sandbox processes are capped by the gates and',
    'not counted here.',
    '',
    table(rows),
    '',
    `Longest stall in every run of a case: ${format.ms(worst.stallMinMs)} (${worst.gate} / ${worst.name}), ratio ${format.ratio(worst.stallMinMs / STALL_BUDGET_MS)} to the 50 ms budget; ` +
      `${over.length} of ${rows.length} cases over the budget in every run, ${overAny.length} in some run ` +
      `(longest of any run: ${format.ms(worstAny.stallMaxMs)}, ${worstAny.gate} / ${worstAny.name}); ${threw.length} threw. ` +
      `Idle probe (nothing running, 2 s): ${format.ms(worstStall(idle))}. ` +
      `Load average ${load(loadBefore)} before and ${load(loadAfter)} after, on ${availableParallelism()} cores: the machine is shared, so a stall near the idle figure can be the machine’s noise, not the gate.`,
  ].join('\n');
  const figures: Record<string, number | string | boolean> = {
    cases: rows.length,
    worstStallMs: worst.stallMinMs,
    worstStallCase: `${worst.gate} / ${worst.name}`,
    worstStallRatio: worst.stallMinMs / STALL_BUDGET_MS,
    worstAnyRunStallMs: worstAny.stallMaxMs,
    casesOverBudget: over.length,
    casesOverBudgetInSomeRun: overAny.length,
    casesThrew: threw.length,
    idleStallMs: worstStall(idle),
    loadAverageBefore: load(loadBefore),
    loadAverageAfter: load(loadAfter),
  };
  for (const r of rows) {
    const key = `${r.gate} / ${r.name}`;
    figures[`${key}: verdict`] = `${r.verdict.status} ${r.verdict.reason}`;
    figures[`${key}: stallMinMs`] = Number(r.stallMinMs.toFixed(2));
    figures[`${key}: stallMaxMs`] = Number(r.stallMaxMs.toFixed(2));
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
