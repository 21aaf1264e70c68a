import { createCascade } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { describe, expect, it } from 'vitest';
import { codeCompilesGate } from './code-compiles-gate.ts';

const price = { inputPerMTok: 0.1, outputPerMTok: 0.4 };
const strongPrice = { inputPerMTok: 3, outputPerMTok: 15 };

const broken = [
  'Here is the function:',
  '```ts',
  'export function average(values: number[]): number {',
  '  const total = values.reduce((sum, v) => sum + v, "");',
  '  return total / values.length;',
  '}',
  '```',
].join('\n');

const repaired = [
  'Fixed:',
  '```ts',
  'export function average(values: number[]): number {',
  '  const total = values.reduce((sum, v) => sum + v, 0);',
  '  return values.length === 0 ? 0 : total / values.length;',
  '}',
  '```',
].join('\n');

describe('codeCompilesGate in a real cascade', () => {
  it('sends the compiler diagnostics back to the same tier, which repairs the code', { timeout: 60_000 }, async () => {
    const provider = scriptedProvider({
      script: { small: [{ text: broken }, { text: repaired }], large: [{ text: repaired }] },
    });
    const gate = codeCompilesGate({ language: 'typescript', poolSize: 1 });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'small', price, repairs: 1 },
        { name: 'large', provider, model: 'large', price: strongPrice },
      ],
      gates: [gate],
    });
    try {
      const result = await cascade.run({ prompt: 'Write average(values) in TypeScript.' });
      expect(result.accepted).toBe(true);
      expect(result.tier).toBe('small');
      expect(result.repairs).toBe(1);
      expect(result.escalations).toBe(0);
      expect(result.value).toBe(repaired.split('\n').slice(2, -1).join('\n'));
      expect(result.attempts.map((a) => [a.kind, a.outcome, a.failedGate])).toEqual([
        ['first', 'repaired', 'code-compiles'],
        ['repair', 'accepted', undefined],
      ]);
      const failed = result.attempts[0]?.gates.find((g) => g.name === 'code-compiles');
      expect(failed).toMatchObject({ status: 'fail', reason: 'type-error', details: { language: 'typescript' } });
      // The repair request carries the model's own answer and the compiler's diagnostics.
      const repairMessages = provider.calls[1]?.request.messages ?? [];
      expect(repairMessages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(repairMessages[1]?.content).toBe(broken);
      expect(repairMessages[2]?.content).toContain(failed?.feedback ?? 'no feedback');
      expect(failed?.feedback).toContain('line 3, column 10: TS2362');
      expect(provider.calls.map((c) => c.request.model)).toEqual(['small', 'small']);
    } finally {
      await cascade.close();
    }
    // cascade.close() closed the gate.
    await expect(gate.check('export const a = 1;')).rejects.toThrow(/closed/);
  });

  it('escalates when the repair still does not compile', { timeout: 60_000 }, async () => {
    const provider = scriptedProvider({
      script: { small: [{ text: broken }, { text: broken }], large: [{ text: repaired }] },
    });
    const cascade = createCascade({
      tiers: [
        { name: 'small', provider, model: 'small', price, repairs: 1 },
        { name: 'large', provider, model: 'large', price: strongPrice },
      ],
      gates: [codeCompilesGate({ language: 'typescript', poolSize: 1 })],
    });
    try {
      const result = await cascade.run({ prompt: 'Write average(values) in TypeScript.' });
      expect(result.tier).toBe('large');
      expect(result.attempts.map((a) => a.outcome)).toEqual(['repaired', 'gate-failed', 'accepted']);
    } finally {
      await cascade.close();
    }
  });
});
