/**
 * The examples' README says: inside an example's folder, `../../scripts/with-node pnpm start`. The wrapper
 * installs at the repository root but runs the command in the caller's folder, so pnpm finds the example's
 * own `start` script (run from the root, pnpm would find none).
 */
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

it('runs an example with `../../scripts/with-node pnpm start` from its folder', async () => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|OPENAI_API_KEY$|ANTHROPIC_API_KEY$)/i.test(key)),
  );
  const { stdout } = await run('bash', ['../../scripts/with-node', 'pnpm', 'start'], {
    cwd: join(root, 'examples', 'quickstart'),
    env,
  });
  expect(stdout).toMatch(/answer from large: \{ city: 'Paris', country: 'France' \}/);
});
