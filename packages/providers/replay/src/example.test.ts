import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadRecordings } from './read-recordings.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const example = fileURLToPath(new URL('../examples/basic.ts', import.meta.url));
const data = fileURLToPath(new URL('../examples/demo-recording.jsonl', import.meta.url));

describe('the README example', () => {
  it('has a valid recording, labelled as hand-written on every line', () => {
    const records = loadRecordings(data);
    expect(records).toHaveLength(3);
    for (const { record } of records)
      expect((record as unknown as { note: string }).note).toContain('Hand-written demo data');
  });

  it('runs with node --conditions=source and prints what the recording holds', async () => {
    const { stdout } = await run(process.execPath, ['--conditions=source', example], { cwd: root });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^replay server on http:\/\/127\.0\.0\.1:\d+\/v1, models: gpt-4o-mini, gpt-4o$/);
    expect(lines.slice(1)).toEqual([
      `choice 0: {"category": "billing", "urgent": true}  (logprob of 'true': -0.31)`,
      `choice 1: {"category": "billing", "urgent": false}  (logprob of 'false': -1.28)`,
      'usage: 71 in, 22 out',
      'streamed: {"category": "bug", "urgent": false}  (11 output tokens)',
      'not recorded: 404 recording_not_found',
      'ticket-1001: {"category":"billing","urgent":true} from mini (mini:accepted), $0.000017',
      'ticket-1002: {"category":"bug","urgent":false} from large (mini:repaired -> mini:provider-error -> large:accepted), $0.000300',
    ]);
  });
});
