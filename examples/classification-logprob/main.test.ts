// Smoke test: the example as a child process with no API key, against the embedded replay server; and the
// recording is what its writer makes of the hand-written script.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runExample } from '@llm-cascade/example-support';
import { describe, expect, it } from 'vitest';
import { RECORDING_PATH, REQUESTS_PATH, writeRecording } from './recorded/write-recording.ts';

const here = fileURLToPath(new URL('./', import.meta.url));

describe('examples/classification-logprob', () => {
  it('accepts confident labels and escalates unsure ones; the gate is skipped where there are no logprobs', async () => {
    const { stdout } = await runExample({ cwd: here });
    expect(stdout).toContain('OpenAI tiers: replay server at http://127.0.0.1:');
    expect(stdout.split('\n').filter((line) => line.startsWith('t-'))).toEqual([
      't-101  small ✓ billing p=0.98, next bug 0.01',
      't-102  small ✓ bug p=0.96, next other 0.02',
      't-103  small ✓ account p=0.93, next other 0.04',
      't-104  small ✓ feature-request p=0.91, next other 0.06',
      't-105  small ✗ low-confidence (billing p=0.55, next bug 0.41) → claude ✓ billing (logprob gate skipped: no logprobs)',
      't-106  small ✗ low-confidence (account p=0.48, next bug 0.44) → claude ✓ bug (logprob gate skipped: no logprobs)',
      't-107  small ✓ other p=0.90, next account 0.04',
      't-108  small ✗ not-a-label "Billing issue." → repair ✗ low-confidence (billing p=0.60, next bug 0.37) → claude ✓ billing (logprob gate skipped: no logprobs)',
      't-109  small ✓ bug p=0.99, next other 0.004',
      't-110  small ✗ low-confidence (account p=0.62, next other 0.33) → claude ✓ account (logprob gate skipped: no logprobs)',
    ]);
    expect(stdout).toContain('  accepted 10, not accepted 0, errors 0,');
    expect(stdout).toContain('  answered by tier: small 60.0% (6), claude 40.0% (4)');
    expect(stdout).toContain('  gate failures: logprob 4 (low-confidence 4), label 1 (not-a-label 1)');
    expect(stdout).toContain('  repairs 1, escalations 4');
    expect(stdout).toMatch(/^ {2}spent \$0\.000374 on 10 answered item\(s\)$/m);
    expect(stdout).toMatch(
      /^ {2}the top tier alone, on the answered items: \$0\.000695 \(\$0\.000402 of it estimated .*\)$/m,
    );
    expect(stdout).toMatch(/^ {2}46\.2% saved against the top tier alone$/m);
    expect(stdout).toContain('  labels matching the reference: 10 of 10');
  });

  it('replays a recording that write-recording.ts makes of the hand-written script', async () => {
    const { requests, recording } = await writeRecording();
    expect(requests).toBe(readFileSync(REQUESTS_PATH, 'utf8'));
    expect(recording).toBe(readFileSync(RECORDING_PATH, 'utf8'));
  });
});
