/**
 * A two-tier cascade whose answers must type-check. The cheap tier's first answer has a type error; the
 * gate's diagnostics go back to it as a repair prompt, and its second answer passes. Then the same gate
 * checks a Python snippet directly. No network, no key: the provider is scripted.
 *
 *   node --conditions=source packages/gates/code-compiles/examples/basic.ts
 */
import { createCascade } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { codeCompilesGate } from '@llm-cascade/gate-code-compiles';

const firstAnswer = `Here is the function:
\`\`\`ts
export function average(values: number[]): number {
  const total = values.reduce((sum, v) => sum + v, "");
  return total / values.length;
}
\`\`\``;

const repairedAnswer = `Fixed:
\`\`\`ts
export function average(values: number[]): number {
  const total = values.reduce((sum, v) => sum + v, 0);
  return values.length === 0 ? 0 : total / values.length;
}
\`\`\``;

const provider = scriptedProvider({
  script: {
    'small-model': [{ text: firstAnswer }, { text: repairedAnswer }],
    'large-model': [{ text: repairedAnswer }],
  },
});

const gate = codeCompilesGate({ language: 'typescript', compilerOptions: { strict: true }, timeoutMs: 5_000 });
const cascade = createCascade({
  tiers: [
    { name: 'small', provider, model: 'small-model', price: { inputPerMTok: 0.1, outputPerMTok: 0.4 }, repairs: 1 },
    { name: 'large', provider, model: 'large-model', price: { inputPerMTok: 3, outputPerMTok: 15 } },
  ],
  gates: [gate],
});

try {
  const result = await cascade.run({ prompt: 'Write average(values: number[]) in TypeScript.' });
  for (const attempt of result.attempts) {
    const verdict = attempt.gates.find((g) => g.name === 'code-compiles');
    console.log(`${attempt.tier} ${attempt.kind}: ${attempt.outcome} (${verdict?.reason})`);
    if (verdict?.feedback !== undefined) console.log(verdict.feedback.replace(/^/gm, '  | '));
  }
  console.log(`accepted from tier ${result.tier} after ${result.repairs} repair(s):`);
  console.log(result.value);

  const python = await gate.check('def average(values):\n    return sum(values) / len(values\n', {
    language: 'python',
  });
  const [first] = python.diagnostics;
  console.log(`python: ${python.reason} at line ${first?.line}: ${first?.code}: ${first?.message}`);
} finally {
  // Ends the gate's worker threads, the TypeScript compiler and the Python process.
  await cascade.close();
}
