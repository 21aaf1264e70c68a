import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandIo } from './command-io.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { runCommand } from './run-command.ts';

const scriptedConfig = fileURLToPath(new URL('./testing/fixtures/scripted.config.ts', import.meta.url));

function captureIo(): CommandIo & { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    out: () => stdout,
    err: () => stderr,
  };
}

let dir: string;
let input: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cascade-run-command-'));
  input = join(dir, 'requests.jsonl');
  writeFileSync(input, '{"id":"a","prompt":"easy one"}\n');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('llm-cascade run: the output file', { timeout: 60_000 }, () => {
  it.skipIf(process.platform !== 'linux' || !existsSync('/proc/self/status'))(
    'refuses a /proc file up front, before loading the config, with a usage error',
    async () => {
      const io = captureIo();
      // The config does not exist: the output is checked first, so its error is the one reported.
      const code = await runCommand(['-c', join(dir, 'missing.ts'), '-i', input, '-o', '/proc/self/status'], io);
      expect(code).toBe(EXIT_CODES.usage);
      expect(io.err()).toBe(
        "llm-cascade run: usage error: --output must be a regular file: /proc/self/status is on the kernel's proc file system, not a regular file\nRun 'llm-cascade run --help' for usage.\n",
      );
    },
  );

  it.skipIf(process.platform === 'win32')('refuses a FIFO and a device with a usage error', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    for (const [output, kind] of [
      [fifo, 'a FIFO'],
      ['/dev/null', 'a device'],
    ]) {
      const io = captureIo();
      expect(
        await runCommand(['-c', scriptedConfig, '-i', input, '-o', output as string, '--progress', 'off'], io),
      ).toBe(EXIT_CODES.usage);
      expect(io.err()).toMatch(
        `usage error: --output must be a regular file: ${output} is ${kind}, not a regular file`,
      );
    }
  });

  it('refuses to append to a file that is not a results file, and leaves it as it was', async () => {
    const notes = join(dir, 'notes.md');
    const content = '# Notes\n\nkeep this\nand this last line';
    writeFileSync(notes, content);
    const io = captureIo();
    expect(await runCommand(['-c', scriptedConfig, '-i', input, '-o', notes, '--progress', 'off'], io)).toBe(
      EXIT_CODES.usage,
    );
    expect(io.err()).toMatch(
      `llm-cascade run: config error: output: ${notes} is not a results file of llm-cascade run (line 1 is not a result); nothing was changed`,
    );
    expect(readFileSync(notes, 'utf8')).toBe(content);
  });

  it('stops at an input line over --max-line-bytes, naming the line, after writing what came before', async () => {
    writeFileSync(input, `{"id":"a","prompt":"easy one"}\n{"id":"b","prompt":"${'x'.repeat(200)}"}\n`);
    const output = join(dir, 'out.jsonl');
    const io = captureIo();
    const code = await runCommand(
      ['-c', scriptedConfig, '-i', input, '-o', output, '--progress', 'off', '--max-line-bytes', '100'],
      io,
    );
    expect(code).toBe(EXIT_CODES.usage);
    expect(io.err()).toMatch(
      `llm-cascade run: config error: ${input} line 2: the line is longer than 100 bytes (maxLineBytes); is this a JSONL file?`,
    );
    expect(readFileSync(output, 'utf8')).toMatch(/^\{"id":"a","ok":true/);
    const bad = captureIo();
    expect(await runCommand(['-c', scriptedConfig, '-i', input, '-o', output, '--max-line-bytes', '0'], bad)).toBe(
      EXIT_CODES.usage,
    );
    expect(bad.err()).toMatch(/usage error: --max-line-bytes must be a whole number from 1/);
  });
});
