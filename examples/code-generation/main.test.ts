// Smoke test: the example as a child process with no API key, against the embedded replay server; and the
// recording is what its writer makes of the hand-written script.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runExample } from '@llm-cascade/example-support';
import { describe, expect, it } from 'vitest';
import { RECORDING_PATH, REQUESTS_PATH, writeRecording } from './recorded/write-recording.ts';

const here = fileURLToPath(new URL('./', import.meta.url));

describe('examples/code-generation', () => {
  it('repairs with compiler diagnostics and escalates what still does not type-check', async () => {
    const { stdout } = await runExample({ cwd: here });
    expect(stdout).toContain('OpenAI tiers: replay server at http://127.0.0.1:');
    const paths = stdout.split('\n').filter((line) => /^[a-z-]+ {2,}(small|claude) /.test(line));
    expect(paths).toEqual([
      'chunk           small ✓',
      'group-by        small ✗ type-error TS2536 → repair ✓',
      'parse-duration  small ✗ type-error TS2322 → repair ✓',
      'debounce        small ✗ type-error TS2503 → repair ✓',
      'deep-merge      small ✗ type-error TS2322 → repair ✗ type-error TS2322 → claude ✓',
      'to-csv          small ✗ syntax-error TS1005 → repair ✗ type-error TS2345 → claude ✗ type-error TS2550 → repair ✓',
      'slugify         small ✗ syntax-error TS1434 → repair ✓',
    ]);
    expect(stdout).toContain("  | line 5, column 6: TS2536: Type 'K' cannot be used to index type '{}'.");
    expect(stdout).toContain('  |   const groups = {} as Record<K, T[]>;');
    expect(stdout).toContain('  accepted 7, not accepted 0, errors 0,');
    expect(stdout).toContain('  answered by tier: small 71.4% (5), claude 28.6% (2)');
    expect(stdout).toContain('  gate failures: code-compiles 9');
    expect(stdout).toContain('  repairs 7, escalations 2');
    expect(stdout).toMatch(/^ {2}spent \$0\.0133 on 7 answered item\(s\)$/m);
    expect(stdout).toMatch(
      /^ {2}the top tier alone, on the answered items: \$0\.0176 \(\$0\.00761 of it estimated .*\)$/m,
    );
    expect(stdout).toMatch(/^ {2}24\.2% saved against the top tier alone$/m);
  });

  it('replays a recording that write-recording.ts makes of the hand-written script', async () => {
    const { requests, recording } = await writeRecording();
    expect(requests).toBe(readFileSync(REQUESTS_PATH, 'utf8'));
    expect(recording).toBe(readFileSync(RECORDING_PATH, 'utf8'));
  });
});
