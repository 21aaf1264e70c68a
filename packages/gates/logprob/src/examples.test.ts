import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The README's examples, run exactly as a user would: node with the `source` condition, no build, no network.
const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

async function example(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--conditions=source', join(packageDir, 'examples', name)], {
    cwd: join(packageDir, '../../..'),
    timeout: 30_000,
  });
  return stdout;
}

describe('examples', () => {
  it('basic.ts escalates the unsure small answer and accepts the large one', async () => {
    const stdout = await example('basic.ts');
    expect(stdout).toContain('small: gate-failed (logprob gate fail, low-confidence, score -1.609)');
    expect(stdout).toContain('large: accepted (logprob gate pass, ok, score -0.020)');
    expect(stdout).toContain('answer from large: The capital of Australia is Canberra.');
  });

  it('calibrate.ts finds a threshold, fits the logistic map and builds both gates', async () => {
    const stdout = await example('calibrate.ts');
    expect(stdout).toMatch(/^threshold -0\.\d+: accepts \d+\.\d%, accuracy 9\d\.\d%, error at most \d\.\d% \(95%\)$/m);
    // The data were drawn from logistic(3 + 4 x), so the fit should land near those coefficients.
    const [, intercept, slope] = /logistic\((-?[\d.]+) \+ (-?[\d.]+) x mean logprob\)/.exec(stdout) ?? [];
    expect(Number(intercept)).toBeCloseTo(3, 0);
    expect(Number(slope)).toBeCloseTo(4, 0);
    expect(stdout).toContain('gates ready: logprob (raw threshold), logprob (P(correct) >= 0.9)');
  });
});
