import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '../../..');

describe('examples/basic.ts', () => {
  it('runs as documented, against the local fake server when ANTHROPIC_API_KEY is unset', async () => {
    const { ANTHROPIC_API_KEY: _, ANTHROPIC_BASE_URL: __, ...env } = process.env;
    const output = await new Promise<string>((resolvePromise, reject) => {
      execFile(
        process.execPath,
        ['--conditions=source', 'packages/providers/anthropic/examples/basic.ts'],
        { cwd: repoRoot, env, timeout: 30_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolvePromise(stdout)),
      );
    });
    expect(output).toContain('using the LOCAL FAKE Anthropic server');
    expect(output).toContain('answer: 42 (from tier sonnet, model claude-sonnet-4-20250514)');
    expect(output).toMatch(/haiku\s+first\s+repaired/);
    expect(output).toMatch(/sonnet\s+escalation\s+accepted/);
    expect(output).toMatch(/cost: \$0\.\d{6}/);
  });
});
