import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testRedis } from './testing/redis-client.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = fileURLToPath(new URL('../examples/basic.ts', import.meta.url));
const { url, skip } = testRedis();

describe.skipIf(skip !== '')('the README example', { timeout: 60_000 }, () => {
  it('shares the breaker and the spend cap between its two cascades', async () => {
    const { stdout } = await run(process.execPath, ['--conditions=source', example], {
      cwd: root,
      env: { ...process.env, REDIS_URL: url },
    });
    expect(stdout.trim().split('\n')).toEqual([
      'a: answer from a (tiers tried: small, large)',
      'a: answer from a (tiers tried: small, large)',
      'b: answer from b (tiers tried: large)',
      'b: answered by large',
      'b: answered by large',
      expect.stringMatching(/^b: refused: tier 'large' would cost about \$0\.010000, over .* spend cap 'tenant'/),
      'acme spent $0.05 of $0.05, across both',
    ]);
  });
});
