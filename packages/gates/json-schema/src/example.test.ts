import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/basic.ts', import.meta.url));

describe('examples/basic.ts', () => {
  it('runs under plain Node with no network or key, and shows the repair then the pass', () => {
    const output = execFileSync(process.execPath, ['--conditions=source', example], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(output).toContain('attempt 0 on small (first): fail invalid-json');
    expect(output).toContain('feedback: The answer is not valid JSON');
    expect(output).toContain('attempt 1 on small (repair): pass ok');
    expect(output).toContain('accepted on small after 1 repair(s): Ada Lovelace <ada@example.com>');
    expect(output).toContain('response format sent: "contact"');
    expect(output).toContain('zod gate: fail schema-invalid');
    expect(output).toContain('- $.population: ');
    expect(output).toContain('extracted: [1,2,3]');
  });
});
