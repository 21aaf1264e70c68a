import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/basic.ts', import.meta.url));

describe('examples/basic.ts', () => {
  it('runs offline: a repaired type error, then a Python syntax error, then a clean exit', {
    timeout: 60_000,
  }, async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, ['--conditions=source', example], { timeout: 50_000 }, (error, out, err) =>
        error === null ? resolve({ stdout: out, stderr: err }) : reject(error),
      );
    });
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('small first: repaired (type-error)');
    expect(stdout).toContain('line 3, column 10: TS2362');
    expect(stdout).toContain('small repair: accepted (ok)');
    expect(stdout).toContain('accepted from tier small after 1 repair(s):');
    expect(lines.at(-1)).toBe("python: syntax-error at line 2: SyntaxError: '(' was never closed");
  });
});
