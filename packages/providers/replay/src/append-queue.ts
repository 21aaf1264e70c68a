import { open } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Appends lines to a file one at a time, so lines written concurrently never interleave. */
export interface AppendQueue {
  /** Queues a line (newline included); resolves once it is written. */
  append(line: string): Promise<void>;
  /** Resolves when every queued line is written. */
  idle(): Promise<void>;
}

// One queue per file across the process, so two recorders on one file still write whole lines in turn.
const queues = new Map<string, { tail: Promise<void> }>();

/**
 * A queue appending to `path`. Each line is one `appendFile` on a handle opened for appending (`a`), and
 * the next line starts only after the previous one is written.
 */
export function appendQueue(path: string): AppendQueue {
  const file = resolve(path);
  const shared = queues.get(file) ?? { tail: Promise.resolve() };
  queues.set(file, shared);
  return {
    append(line: string): Promise<void> {
      const write = shared.tail.then(async () => {
        const handle = await open(file, 'a');
        try {
          await handle.appendFile(line, 'utf8');
        } finally {
          await handle.close();
        }
      });
      // The chain continues after a failed write; the caller sees the failure through `write`.
      shared.tail = write.catch(() => {});
      return write;
    },
    idle(): Promise<void> {
      return shared.tail;
    },
  };
}
