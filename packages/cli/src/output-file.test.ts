import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppender, unusableOutputReason } from './output-file.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cascade-output-file-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const unix = process.platform !== 'win32';
const linux = process.platform === 'linux' && existsSync('/proc/self/status');

describe('unusableOutputReason', () => {
  it('accepts a regular file, and a new file in a real folder', async () => {
    const file = join(dir, 'out.jsonl');
    expect(await unusableOutputReason(file)).toBeUndefined();
    writeFileSync(file, '');
    expect(await unusableOutputReason(file)).toBeUndefined();
    expect(await unusableOutputReason(join(dir, 'new', 'deeper', 'out.jsonl'))).toBeUndefined();
  });

  it('refuses a directory', async () => {
    mkdirSync(join(dir, 'folder'));
    expect(await unusableOutputReason(join(dir, 'folder'))).toBe(
      `${join(dir, 'folder')} is a directory, not a regular file`,
    );
  });

  it.skipIf(!unix)('refuses a FIFO and a device', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(await unusableOutputReason(fifo)).toBe(`${fifo} is a FIFO, not a regular file`);
    expect(await unusableOutputReason('/dev/null')).toBe('/dev/null is a device, not a regular file');
  });

  it.skipIf(!linux)('refuses files of /proc and /sys, which stat as regular files, and new files there', async () => {
    expect(await unusableOutputReason('/proc/self/status')).toBe(
      "/proc/self/status is on the kernel's proc file system, not a regular file",
    );
    expect(await unusableOutputReason('/proc/self/new-file')).toMatch(/kernel's proc file system/);
    if (existsSync('/sys/kernel')) expect(await unusableOutputReason('/sys/kernel/x.jsonl')).toMatch(/sysfs/);
  });
});

describe('openAppender', () => {
  it('appends whole lines in order and creates the folder', async () => {
    const file = join(dir, 'nested', 'out.jsonl');
    const appender = await openAppender(file);
    await Promise.all([appender.write('a\n'), appender.write('b\n'), appender.write('c\n')]);
    await appender.close();
    expect(execFileSync('cat', [file], { encoding: 'utf8' })).toBe('a\nb\nc\n');
  });

  // A write that cannot finish (a full pipe nobody reads, a hung network file system) must not hold the
  // event loop: the SIGINT and SIGTERM handlers run on it. The old appender wrote synchronously in a loop.
  it.skipIf(!unix)('keeps the event loop turning while a write is blocked', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // A reader that reads nothing yet, so the pipe fills (its buffer is 64 KiB; the line is 1 MiB).
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const appender = await openAppender(fifo);
      const line = `${'x'.repeat(1024 * 1024)}\n`;
      let written = false;
      const writing = appender.write(line).then(() => {
        written = true;
      });
      let ticks = 0;
      await new Promise<void>((settle) => {
        const timer = setInterval(() => {
          ticks += 1;
          if (ticks === 5) {
            clearInterval(timer);
            settle();
          }
        }, 10);
      });
      expect(ticks).toBe(5);
      expect(written).toBe(false);
      // Drain the pipe so the write can finish.
      const buffer = Buffer.alloc(64 * 1024);
      let drained = 0;
      while (drained < line.length) {
        try {
          drained += readSync(reader, buffer);
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'EAGAIN') throw error;
          await new Promise((settle) => setTimeout(settle, 2));
        }
      }
      await writing;
      await appender.close();
      expect(written).toBe(true);
    } finally {
      closeSync(reader);
    }
  });
});
