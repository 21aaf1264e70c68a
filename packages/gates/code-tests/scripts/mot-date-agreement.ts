// Re-runs GPT-3.5's program-of-thought Python programs for DATE (mot_cascade, PoT1 run B) in the Pyodide
// sandbox and checks that each reproduces the `ans` recorded upstream. Upstream ran `exec(code)` in a
// process whose globals already held `date`, `datetime`, `timedelta` (its prompt's preamble) with a 2 s
// timeout, and recorded `ans` or null (error, timeout, no `ans`). The sample is every Nth distinct program.
//
//   node --conditions=source packages/gates/code-tests/scripts/mot-date-agreement.ts [every-nth] [data folder]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeTestsGate } from '../src/index.ts';

interface Row {
  readonly id: string;
  readonly samples: readonly { readonly code: string; readonly result: string | number | null }[];
}

const every = Number(process.argv[2] ?? 10);
const data = process.argv[3] ?? process.env.LLM_CASCADE_SHARED_DATA ?? '/work/shared/data';
const file = join(data, 'mot_cascade', 'date_gpt35_pot1_runB_programs.jsonl');
if (!existsSync(file)) {
  console.error(`no ${file}: pass the shared data folder as the second argument`);
  process.exit(2);
}
const programs = new Map<string, string | number | null>();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  for (const sample of (JSON.parse(line) as Row).samples) programs.set(sample.code, sample.result);
}
const sample = [...programs].filter((_, i) => i % every === 0);

// The preamble upstream's programs ran under; `relativedelta` (python-dateutil) is not in the sandbox.
const setup = 'from datetime import date, datetime, timedelta';
const gate = codeTestsGate({ language: 'python', timeoutMs: 2_000 });
const groups = new Map<string, number>();
const count = (key: string) => groups.set(key, (groups.get(key) ?? 0) + 1);
const disagreements: string[] = [];
const started = performance.now();
try {
  await gate.warmUp(1);
  for (const [code, recorded] of sample) {
    const usesDateutil = /relativedelta|dateutil/.test(code);
    const usesClock = /\b(today|now)\(\)/.test(code);
    const run = await gate.runTests(code, { setup, assertions: [`assert ans == ${JSON.stringify(recorded)}`] });
    const error = run.response?.codeError ?? run.response?.tests[0]?.error;
    const reproduced = recorded === null ? run.status === 'fail' : run.status === 'pass';
    const kind = usesDateutil ? 'uses dateutil' : usesClock ? 'reads the clock' : 'plain';
    count(`${kind}, recorded ${recorded === null ? 'null' : 'a value'}: ${reproduced ? 'agree' : 'disagree'}`);
    if (!reproduced && kind === 'plain') {
      disagreements.push(
        `recorded ${JSON.stringify(recorded)}; ${run.reason} ${error?.type}: ${error?.message}\n${code}`,
      );
    }
  }
} finally {
  await gate.close();
}
console.log(
  `${programs.size} distinct programs, every ${every}th: ${sample.length}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
for (const [key, n] of [...groups].sort()) console.log(`${String(n).padStart(5)}  ${key}`);
for (const text of disagreements) console.log(`\n--- ${text}`);
