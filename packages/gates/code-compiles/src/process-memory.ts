import { readFile } from 'node:fs/promises';

/**
 * Resident memory of a process in MiB, from Linux's /proc; `undefined` elsewhere or when the process is
 * gone. Used to cap a compiler child process, whose memory no worker resource limit covers.
 */
export async function residentMemoryMb(pid: number): Promise<number | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** Whether a process with this id is alive (signal 0 probes without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills a process at once; a process already gone is not an error. */
export function killProcess(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Polls a process's memory while `active` and calls `onExceeded` once it passes `limitMb`. Returns a stop
 * function. The timer is unref'd: it must never be what keeps the process alive.
 */
export function watchMemory(
  pid: number,
  limitMb: number,
  onExceeded: (usedMb: number) => void,
  // A runaway compiler passes the cap by what it allocates between two polls: about 1 MiB on the recursive
  // permutations type of lifecycle.test.ts.
  intervalMs = 50,
): () => void {
  let stopped = false;
  let polling = false;
  const timer = setInterval(() => {
    if (polling || stopped) return;
    polling = true;
    residentMemoryMb(pid)
      .then((used) => {
        if (!stopped && used !== undefined && used > limitMb) {
          stopped = true;
          clearInterval(timer);
          onExceeded(used);
        }
      })
      .finally(() => {
        polling = false;
      });
  }, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
