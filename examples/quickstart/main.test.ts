// Smoke test: the quickstart runs as a child process and prints the escalation it scripts.
import { fileURLToPath } from 'node:url';
import { runExample } from '@llm-cascade/example-support';
import { expect, it } from 'vitest';

it('escalates past the two tiers that fail the gate', async () => {
  const { stdout } = await runExample({ cwd: fileURLToPath(new URL('./', import.meta.url)) });
  expect(stdout.trim().split('\n')).toEqual([
    'small   gate-failed (has-country)    $0.00000690',
    'medium  gate-failed (has-country)    $0.00001680',
    'large   accepted                     $0.00015500',
    "answer from large: { city: 'Paris', country: 'France' }",
    'cost $0.00017870; the top tier alone: $0.00015500',
  ]);
});
