import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('examples/basic.ts', () => {
  it('runs from the repository root against the local fake server when OPENAI_API_KEY is unset', {
    timeout: 30_000,
  }, async () => {
    const { OPENAI_API_KEY: _key, OPENAI_BASE_URL: _url, ...env } = process.env;
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['--conditions=source', 'packages/providers/openai/examples/basic.ts'],
        { cwd: repositoryRoot, env, encoding: 'utf8', timeout: 30_000 },
        (error, stdout, stderr) => done({ status: error === null ? 0 : (error.code as number | null), stdout, stderr }),
      );
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('using the local fake server');
    expect(run.stdout).toContain('escalation: small -> medium (gate-failed: answer-is-42)');
    expect(run.stdout).toMatch(/retry on medium in \d+ ms: .*HTTP 429/);
    expect(run.stdout).toContain(`answered by tier 'medium' (gpt-4.1-mini): {"answer": 42}`);
    expect(run.stdout).toContain('attempts: small:gate-failed, medium:provider-error, medium:accepted');
  });
});
