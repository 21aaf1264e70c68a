/**
 * A code-generation ladder on hand-written recorded answers (no shared data holds code samples of
 * several models): the cheap tier's first answer compiles but is wrong (an off-by-one), so the compile
 * gate passes it and the tests gate fails it with the failing case; the repair passes both. The compile
 * gate runs first: it is cheaper and never executes code. No network, no key: the provider is scripted.
 *
 *   node --conditions=source packages/gates/code-tests/examples/compile-then-test.ts
 */
import { createCascade } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { codeCompilesGate } from '@llm-cascade/gate-code-compiles';
import { codeTestsGate } from '@llm-cascade/gate-code-tests';

const offByOne = `\`\`\`ts
export function sumTo(n: number): number {
  let total = 0;
  for (let i = 1; i < n; i++) total += i;
  return total;
}
\`\`\``;

const fixed = `\`\`\`ts
export function sumTo(n: number): number {
  let total = 0;
  for (let i = 1; i <= n; i++) total += i;
  return total;
}
\`\`\``;

const provider = scriptedProvider({
  script: {
    'small-model': [{ text: offByOne }, { text: fixed }],
    'large-model': [{ text: fixed }],
  },
});

const compiles = codeCompilesGate({ language: 'typescript' });
const tests = codeTestsGate({
  language: 'typescript',
  tests: {
    entryPoint: 'sumTo',
    cases: [
      { args: [1], expected: 1 },
      { args: [4], expected: 10 },
      { args: [0], expected: 0 },
    ],
  },
});
const cascade = createCascade({
  tiers: [
    { name: 'small', provider, model: 'small-model', price: { inputPerMTok: 0.1, outputPerMTok: 0.4 }, repairs: 1 },
    { name: 'large', provider, model: 'large-model', price: { inputPerMTok: 3, outputPerMTok: 15 } },
  ],
  gates: [compiles, tests],
});

try {
  const result = await cascade.run({ prompt: 'Write sumTo(n: number): the sum 1 + 2 + ... + n, in TypeScript.' });
  for (const attempt of result.attempts) {
    const verdicts = attempt.gates.map((g) => `${g.name}: ${g.status} (${g.reason})`).join(', ');
    console.log(`${attempt.tier} ${attempt.kind}: ${attempt.outcome}; ${verdicts}`);
    const feedback = attempt.gates.find((g) => g.feedback !== undefined)?.feedback;
    if (feedback !== undefined) console.log(feedback.replace(/^/gm, '  | '));
  }
  console.log(`accepted from tier ${result.tier} after ${result.repairs} repair(s)`);
} finally {
  await cascade.close();
}
