import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('examples/basic.ts', () => {
  it('runs from the repository root as its header says', { timeout: 60_000 }, async () => {
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [
          '--conditions=source',
          '--import',
          './packages/ai-sdk/examples/source-conditions.ts',
          'packages/ai-sdk/examples/basic.ts',
        ],
        { cwd: repositoryRoot, encoding: 'utf8', timeout: 60_000 },
        (error, stdout, stderr) => done({ status: error === null ? 0 : (error.code as number | null), stdout, stderr }),
      );
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('output: {"name":"Ada Lovelace","born":1815}');
    expect(run.stdout).toContain("answered by tier 'medium' (model mid-model)");
    expect(run.stdout).toContain('attempts: small:gate-failed, medium:accepted');
    expect(run.stdout).toContain('schema sent to the AI SDK tier: yes');
  });
});
