// Smoke test: the example as a child process with no API key, against the embedded replay server; and the
// recording is what its writer makes of the hand-written script.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runExample } from '@llm-cascade/example-support';
import { describe, expect, it } from 'vitest';
import { RECORDING_PATH, REQUESTS_PATH, writeRecording } from './recorded/write-recording.ts';

const here = fileURLToPath(new URL('./', import.meta.url));

describe('examples/math-self-consistency', () => {
  it('accepts agreeing samples and escalates disagreement', async () => {
    const { stdout } = await runExample({ cwd: here });
    expect(stdout).toContain('models: replay server at http://127.0.0.1:');
    const paths = stdout.split('\n').filter((line) => /^[a-z-]+ {2,}small /.test(line));
    expect(paths).toEqual([
      'muffins       small ✓ 5/5 for 18  = reference',
      'train         small ✓ 3/5 for 205  = reference',
      'jacket        small ✗ low-agreement (2/5 for 54) → large ✓ 3/3 for 54  = reference',
      'ages          small ✗ low-agreement (2/5 for 24) → large ✓ 2/3 for 24  = reference',
      'pipes         small ✓ 4/5 for 2  = reference',
      'rectangle     small ✓ 3/5 for 72  = reference',
      'bat-and-ball  small ✓ 5/5 for 10  ≠ reference 5',
      'divisible     small ✗ low-agreement (1/5 for 130) → large ✗ low-agreement (1/3 for 130)  → no tier passed: CASCADE_EXHAUSTED',
    ]);
    expect(stdout).toContain('  accepted 7, not accepted 0, errors 1 (CASCADE_EXHAUSTED 1),');
    expect(stdout).toContain('  answered by tier: small 71.4% (5), large 28.6% (2)');
    expect(stdout).toContain('  gate failures: self-consistency 4 (low-agreement 4)');
    expect(stdout).toContain('  repairs 0, escalations 3');
    expect(stdout).toMatch(
      /^ {2}spent \$0\.00265 in all: \$0\.00168 on 7 answered item\(s\), \$0\.000962 on 1 failed$/m,
    );
    expect(stdout).toMatch(/^ {2}why items failed \(last attempt\): self-consistency: low-agreement 1$/m);
    expect(stdout).toMatch(
      /^ {2}2\.3% saved counting every dollar spent \(37\.8% saved on the answered items alone\)$/m,
    );
    expect(stdout).toContain('  accepted answers matching the reference: 6 of 7');
  });

  it('replays a recording that write-recording.ts makes of the hand-written script', async () => {
    const { requests, recording } = await writeRecording();
    expect(requests).toBe(readFileSync(REQUESTS_PATH, 'utf8'));
    expect(recording).toBe(readFileSync(RECORDING_PATH, 'utf8'));
  });
});
