import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeTestsGate } from './index.ts';

// MultiPL-E (HumanEval, "reworded"): prompts and test harnesses in Python, JavaScript and TypeScript,
// without solutions. For four problems a hand-written correct completion must pass each language's
// harness and a deliberately broken one must fail it. Program = prompt + completion + "\n" + tests, split
// here into the answer (prompt + completion) and one assertion test (the harness, which requires 'node:assert').
const data = process.env.LLM_CASCADE_SHARED_DATA ?? '';
const file = join(data, 'benchmark-prompts', 'multipl-e.jsonl');
const available = data !== '' && existsSync(file);

type Language = 'python' | 'javascript' | 'typescript';

interface Row {
  readonly language: Language;
  readonly benchmark: string;
  readonly variant: string;
  readonly name: string;
  readonly prompt: string;
  readonly tests: string;
}

const JS_BODIES: Record<string, [correct: string, broken: string]> = {
  HumanEval_0_has_close_elements: [
    '  for (let i = 0; i < numbers.length; i++)\n    for (let j = i + 1; j < numbers.length; j++)\n      if (Math.abs(numbers[i] - numbers[j]) < threshold) return true;\n  return false;\n}',
    '  for (let i = 0; i < numbers.length; i++)\n    for (let j = i + 1; j < numbers.length; j++)\n      if (Math.abs(numbers[i] - numbers[j]) > threshold) return true;\n  return false;\n}',
  ],
  HumanEval_12_longest: [
    '  let best = undefined;\n  for (const s of strings) if (best === undefined || s.length > best.length) best = s;\n  return best;\n}',
    '  let best = undefined;\n  for (const s of strings) if (best === undefined || s.length >= best.length) best = s;\n  return best;\n}',
  ],
  HumanEval_13_greatest_common_divisor: [
    '  while (b !== 0) [a, b] = [b, a % b];\n  return a;\n}',
    '  while (b > 1) [a, b] = [b, a % b];\n  return a;\n}',
  ],
  HumanEval_34_unique: ['  return [...new Set(l)].sort((x, y) => x - y);\n}', '  return [...new Set(l)].sort();\n}'],
};

const PY_BODIES: Record<string, [correct: string, broken: string]> = {
  HumanEval_0_has_close_elements: [
    '    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n',
    '    return any(abs(a - b) > threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n',
  ],
  HumanEval_12_longest: [
    '    return max(strings, key=len) if strings else None\n',
    '    return max(reversed(strings), key=len) if strings else None\n',
  ],
  HumanEval_13_greatest_common_divisor: [
    '    while b:\n        a, b = b, a % b\n    return a\n',
    '    while b > 1:\n        a, b = b, a % b\n    return a\n',
  ],
  HumanEval_34_unique: ['    return sorted(set(l))\n', '    return sorted(set(l), reverse=True)\n'],
};

describe.skipIf(!available)('MultiPL-E harnesses with hand-written solutions', { timeout: 300_000 }, () => {
  const gates = {
    python: codeTestsGate({ language: 'python', poolSize: 1 }),
    javascript: codeTestsGate({ language: 'javascript', poolSize: 1 }),
    typescript: codeTestsGate({ language: 'typescript', poolSize: 1 }),
  };
  afterAll(() => Promise.all(Object.values(gates).map((gate) => gate.close())));

  for (const language of ['javascript', 'typescript', 'python'] as const) {
    it(`${language}: correct completions pass, broken ones fail`, async () => {
      const rows = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Row)
        .filter((r) => r.language === language && r.benchmark === 'humaneval' && r.variant === 'reworded');
      const bodies = language === 'python' ? PY_BODIES : JS_BODIES;
      const verdicts: string[] = [];
      for (const [name, [correct, broken]] of Object.entries(bodies)) {
        const row = rows.find((r) => r.name === name);
        expect(row, name).toBeDefined();
        if (row === undefined) continue;
        const good = await gates[language].runTests(row.prompt + correct, { assertions: [row.tests] });
        const bad = await gates[language].runTests(row.prompt + broken, { assertions: [row.tests] });
        verdicts.push(`${name}: ${good.reason} / ${bad.reason}`);
      }
      expect(verdicts).toEqual(Object.keys(bodies).map((name) => `${name}: ok / tests-failed`));
    });
  }
});
