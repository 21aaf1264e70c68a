// Runs every MBTSP problem of /work/shared/data/benchmark-prompts/mxeval.jsonl (967 with a canonical
// solution) through the gate: the canonical solution, then a mutated copy of it. Prints the pass and
// fail figures and every failure grouped by its reason, with the problem ids.
//
//   node --conditions=source packages/gates/code-tests/scripts/mbtsp-agreement.ts [data folder]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CodeTestsRun, codeTestsGate } from '../src/index.ts';
import { mutate, type MbtspProblem as Problem } from '../src/testing/mbtsp.ts';

/** A failure's reason with numbers and quoted names generalised, so alike failures group together. */
function reasonOf(run: CodeTestsRun): string {
  const error = run.response?.codeError ?? run.response?.tests.find((t) => !t.passed)?.error;
  const message = (error?.message ?? run.message ?? '').replace(/\d+/g, 'N').replace(/'[^']*'/g, "'…'");
  return `${run.reason} ${error?.type ?? ''}: ${message.slice(0, 90)}`;
}

const data = process.argv[2] ?? process.env.LLM_CASCADE_SHARED_DATA ?? '/work/shared/data';
const file = join(data, 'benchmark-prompts', 'mxeval.jsonl');
if (!existsSync(file)) {
  console.error(`no ${file}: pass the shared data folder as the first argument`);
  process.exit(2);
}
const problems = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Problem)
  .filter((p) => p.id.startsWith('mxeval/MBTSP/') && typeof p.canonical_solution === 'string');

const gate = codeTestsGate({ language: 'typescript' });
const started = performance.now();
const failures = new Map<string, string[]>();
const passedIds = new Set<string>();
let mutants = 0;
let mutantsFailed = 0;
let mutantsOfPassing = 0;
let mutantsOfPassingFailed = 0;
const survivors: string[] = [];
try {
  await gate.warmUp(2);
  await Promise.all(
    problems.map(async (problem) => {
      const id = problem.id.slice('mxeval/MBTSP/'.length);
      const body = problem.canonical_solution as string;
      const canonical = await gate.runTests(problem.prompt + body, { assertions: [problem.test] });
      if (canonical.status === 'pass') passedIds.add(id);
      else {
        const reason = reasonOf(canonical);
        failures.set(reason, [...(failures.get(reason) ?? []), id]);
      }
      const mutant = mutate(body);
      if (mutant === undefined) return;
      const broken = await gate.runTests(problem.prompt + mutant, { assertions: [problem.test] });
      mutants += 1;
      if (broken.status === 'fail') mutantsFailed += 1;
      if (canonical.status === 'pass') {
        mutantsOfPassing += 1;
        if (broken.status === 'fail') mutantsOfPassingFailed += 1;
        else survivors.push(id);
      }
    }),
  );
} finally {
  await gate.close();
}
const percent = (a: number, b: number) => `${((a / b) * 100).toFixed(1)}%`;
const byNumber = (a: string, b: string) => Number(a) - Number(b);
console.log(
  `MBTSP: ${problems.length} problems with a canonical solution, ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`canonical passed: ${passedIds.size}/${problems.length} (${percent(passedIds.size, problems.length)})`);
console.log(`mutants failed: ${mutantsFailed}/${mutants} (${percent(mutantsFailed, mutants)})`);
console.log(
  `mutants of passing canonical solutions failed: ${mutantsOfPassingFailed}/${mutantsOfPassing} (${percent(mutantsOfPassingFailed, mutantsOfPassing)}); still passing: ${survivors.sort(byNumber).join(', ')}`,
);
console.log('\ncanonical failures by reason:');
for (const [reason, ids] of [...failures].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`${String(ids.length).padStart(4)}  ${reason}  [${ids.sort(byNumber).join(', ')}]`);
}
