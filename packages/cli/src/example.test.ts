import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
const bin = fileURLToPath(new URL('../bin/llm-cascade.js', import.meta.url));

function env(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
}

describe('the README examples', { timeout: 90_000 }, () => {
  it('examples/basic.ts runs the demo batch from code', () => {
    const run = spawnSync(process.execPath, ['--conditions=source', example('basic.ts')], {
      encoding: 'utf8',
      env: env(),
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/input line 4: skipped, not JSON/);
    expect(run.stdout).toMatch(/answered by tier: small 60\.0% \(3\), large 40\.0% \(2\)/);
    expect(run.stdout).toMatch(/t3: large -> \{"category":"account","urgent":true\}/);
    expect(run.stdout).toMatch(/t4: large -> \{"category":"other","urgent":false\}/);
    expect(run.stdout).toMatch(/exit code a script would see: 1/);
    expect(run.stdout).toMatch(/\d+ spans written to the trace file/);
  });

  it('the README command runs the example config through the bin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-cascade-readme-'));
    try {
      const output = join(dir, 'tickets.jsonl');
      const run = spawnSync(
        process.execPath,
        [
          bin,
          'run',
          '--config',
          example('cascade.config.ts'),
          '--input',
          example('requests.jsonl'),
          '--output',
          output,
        ],
        { encoding: 'utf8', env: env() },
      );
      // One malformed line in the demo input: exit code 1 by design.
      expect(run.status).toBe(1);
      const ids = readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id);
      expect(ids.sort()).toEqual(['t1', 't2', 't3', 't4', 't5']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
