import { mkdirSync, type Stats } from 'node:fs';
import { type FileHandle, open, stat, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

// Linux kernel file systems whose entries stat as regular files (size 0) but are not files: writing to
// them fails, changes the kernel's state, or never makes progress. Values from <linux/magic.h>.
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x62656570, 'configfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x65735543, 'fusectl'],
  [0x1cd1, 'devpts'],
]);

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The kernel pseudo-file system `path` lives on, if any (Linux only). */
async function pseudoFileSystem(path: string): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  const info = await statfs(path).catch(() => undefined);
  if (info === undefined) return undefined;
  return PSEUDO_FILE_SYSTEMS.get(Number(info.type) >>> 0);
}

/**
 * Why `path` cannot take results, or undefined when it can: it must be a regular file, or not exist yet in
 * a folder of a real file system. A FIFO or device would block or swallow the writes, and a file under
 * /proc or /sys stats as a regular file while writes to it fail or never make progress.
 */
export async function unusableOutputReason(path: string): Promise<string | undefined> {
  const info = await stat(path).catch((error: unknown) => {
    if ((error as { code?: unknown } | null)?.code === 'ENOENT') return undefined;
    throw error;
  });
  if (info !== undefined && !info.isFile()) return `${path} is ${kindOf(info)}, not a regular file`;
  // A file that does not exist yet is created in the nearest folder that does.
  let existing = resolve(path);
  if (info === undefined) {
    do existing = dirname(existing);
    while ((await stat(existing).catch(() => undefined)) === undefined && existing !== dirname(existing));
  }
  const system = await pseudoFileSystem(existing);
  if (system !== undefined) return `${path} is on the kernel's ${system} file system, not a regular file`;
  return undefined;
}

/** Appends result lines to the output file. */
export interface Appender {
  /** Appends one line with as few writes as the system allows; resolves once it is all written. */
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the output for appending. Writes are asynchronous, so the event loop (and with it the SIGINT and
 * SIGTERM handlers) keeps running while one is slow, and one at a time, so lines never interleave. A write
 * that makes no progress fails instead of being retried forever.
 */
export async function openAppender(path: string): Promise<Appender> {
  mkdirSync(dirname(path), { recursive: true });
  const handle: FileHandle = await open(path, 'a');
  let queue: Promise<void> = Promise.resolve();
  const writeAll = async (bytes: Buffer): Promise<void> => {
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
      if (bytesWritten <= 0) throw new Error(`writing ${path} made no progress (0 bytes written)`);
      offset += bytesWritten;
    }
  };
  return {
    write(line) {
      const written = queue.then(() => writeAll(Buffer.from(line, 'utf8')));
      // The next write waits for this one whether it succeeds or fails.
      queue = written.catch(() => {});
      return written;
    },
    async close() {
      await queue;
      await handle.close();
    },
  };
}
