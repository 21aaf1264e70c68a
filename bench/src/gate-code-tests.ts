import { gateContext } from '@llm-cascade/core/test';
import { type CodeTestsGate, codeTestsGate, type SandboxLanguage } from '@llm-cascade/gate-code-tests';
import { type EventLoopStall, idleStall, probeEventLoop, worstStall } from './event-loop-probe.ts';
import { type AsyncTiming, ratio, timeEach } from './micro.ts';
import { type BenchResult, saveResult } from './result-file.ts';
import { format } from './stats.ts';

/** A small answer per language (a running maximum), as a model writes it, fenced. */
const ANSWERS: Record<SandboxLanguage, string> = {
  javascript:
    '```javascript\nfunction runningMax(values) {\n  const out = [];\n  let best = -Infinity;\n  for (const v of values) {\n    best = Math.max(best, v);\n    out.push(best);\n  }\n  return out;\n}\n```\n',
  typescript:
    '```typescript\nfunction runningMax(values: readonly number[]): number[] {\n  const out: number[] = [];\n  let best = -Infinity;\n  for (const v of values) {\n    best = Math.max(best, v);\n    out.push(best);\n  }\n  return out;\n}\n```\n',
  python:
    '```python\ndef running_max(values: list[int]) -> list[int]:\n    out, best = [], float("-inf")\n    for v in values:\n        best = max(best, v)\n        out.append(best)\n    return out\n```\n',
};

const CASES: [number[], number[]][] = [
  [[], []],
  [[1], [1]],
  [
    [1, 2, 3],
    [1, 2, 3],
  ],
  [
    [3, 2, 1],
    [3, 3, 3],
  ],
  [
    [2, 5, 1, 7],
    [2, 5, 5, 7],
  ],
  [
    [-1, -5, 0],
    [-1, -1, 0],
  ],
  [
    [4, 4, 4],
    [4, 4, 4],
  ],
  [
    [0, 10, 5, 10, 11],
    [0, 10, 10, 10, 11],
  ],
  [
    [9, 1, 9, 2],
    [9, 9, 9, 9],
  ],
  [
    [-3, -2, -1],
    [-3, -2, -1],
  ],
];

/** One test file with ten assertions, in the answer's language (the form MBTSP and MultiPL-E use). */
function testFile(language: SandboxLanguage): string {
  const json = (value: number[]) => JSON.stringify(value);
  if (language === 'python') {
    return CASES.map(([input, output]) => `assert running_max(${json(input)}) == ${json(output)}`).join('\n');
  }
  return [
    "import * as assert from 'assert'",
    ...CASES.map(([input, output]) => `assert.deepStrictEqual(runningMax(${json(input)}), ${json(output)});`),
  ].join('\n');
}

interface LanguageFigures {
  readonly language: SandboxLanguage;
  readonly coldStartMs: number;
  readonly timing: AsyncTiming;
  readonly sandboxMedianMs: number;
  readonly stall: EventLoopStall;
}

async function measure(language: SandboxLanguage, calls: number, warmup: number): Promise<LanguageFigures> {
  const gate: CodeTestsGate = codeTestsGate({ language, poolSize: 1, tests: { assertions: [testFile(language)] } });
  try {
    const coldStarted = performance.now();
    await gate.warmUp(1);
    const coldStartMs = performance.now() - coldStarted;
    const sandboxTimes: number[] = [];
    const check = async () => {
      const result = await gate.evaluate(gateContext({ text: ANSWERS[language] }));
      if (result.status !== 'pass')
        throw new Error(`the benchmark answer must pass: ${result.reason} ${result.feedback}`);
      sandboxTimes.push(Number((result.details as { durationMs?: number } | undefined)?.durationMs ?? Number.NaN));
      return result;
    };
    const probe = probeEventLoop();
    const timing = await timeEach(check, calls, warmup);
    const stall = probe.stop();
    const measured = sandboxTimes.slice(warmup).sort((a, b) => a - b);
    return {
      language,
      coldStartMs,
      timing,
      sandboxMedianMs: measured[Math.floor(measured.length / 2)] ?? Number.NaN,
      stall,
    };
  } finally {
    await gate.close();
  }
}

export async function gateCodeTestsBench(): Promise<BenchResult> {
  // The noise floor over about as long as one language's runs take: on a shared, loaded machine the
  // scheduler alone stalls a thread for tens of milliseconds.
  const idle = await idleStall(3_000);
  const languages: [SandboxLanguage, number, number][] = [
    ['javascript', 300, 30],
    ['typescript', 300, 30],
    ['python', 200, 20],
  ];
  const results: LanguageFigures[] = [];
  for (const [language, calls, warmup] of languages) results.push(await measure(language, calls, warmup));
  const worst = Math.max(...results.map((r) => worstStall(r.stall)));
  const rows = results.map(
    (r) =>
      `| ${r.language} | ${format.ms(r.timing.medianMs)} | ${format.ms(r.timing.p95Ms)} | ${format.ms(r.sandboxMedianMs)} | ${format.ms(r.coldStartMs)} | ${format.ms(worstStall(r.stall))} / ${format.ms(r.stall.p99Ms)} |`,
  );
  const markdown = [
    '`codeTestsGate` running one test file of 10 assertions on a 9-line fenced answer (a running maximum),',
    'one sandbox per language (`poolSize: 1`), sequential runs after warm-up runs: JavaScript and TypeScript',
    '300 (TypeScript types erased with amaro), Python 200. Warm = gate `evaluate` end to end (extraction,',
    'hand-over to the worker thread, a fresh QuickJS context or fresh Python globals, the tests, the verdict).',
    'Cold start = `warmUp(1)`: the worker thread and its WebAssembly interpreter.',
    '',
    '| language | warm run, median | warm run, p95 | of which worker hand-over to verdict, median | cold start | event-loop stall during runs, longest / p99 |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '| measure | figure | target | ratio to target |',
    '| --- | --- | --- | --- |',
    `| longest event-loop stall while runs happen (all languages) | ${format.ms(worst)} | 5 ms | ${ratio(worst, 5)} |`,
    `| longest stall with nothing running (noise floor, same probes, 3 s) / p99 | ${format.ms(worstStall(idle))} / ${format.ms(idle.p99Ms)} | | |`,
  ].join('\n');
  const figures: Record<string, number> = { stallMs: worst, idleStallMs: worstStall(idle), idleP99Ms: idle.p99Ms };
  for (const r of results) {
    figures[`${r.language}MedianMs`] = r.timing.medianMs;
    figures[`${r.language}P95Ms`] = r.timing.p95Ms;
    figures[`${r.language}SandboxMedianMs`] = r.sandboxMedianMs;
    figures[`${r.language}ColdStartMs`] = r.coldStartMs;
    figures[`${r.language}StallMs`] = worstStall(r.stall);
    figures[`${r.language}StallP99Ms`] = r.stall.p99Ms;
  }
  return saveResult({
    name: 'gate-code-tests',
    title: 'Code-tests gate (WebAssembly sandboxes)',
    command: 'scripts/with-node pnpm bench gate-code-tests',
    markdown,
    figures,
  });
}
