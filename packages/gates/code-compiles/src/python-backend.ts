import { execFile } from 'node:child_process';
import { BackendFailure } from './check-pool.ts';
import { PYTHON_WORKER_SCRIPT } from './python-worker-script.ts';
import { StdioChildBackend } from './stdio-child-backend.ts';

export interface PythonCheck {
  readonly source: string;
}

export interface PythonWarning {
  readonly type: string;
  readonly message: string;
  readonly line: number;
}

export type PythonCheckResponse =
  | { readonly ok: true; readonly warnings: readonly PythonWarning[] }
  | {
      readonly ok: false;
      /** `syntax`: the code does not compile; `memory`: compiling it hit the memory cap; `protocol`: a bug here. */
      readonly kind: 'syntax' | 'memory' | 'protocol';
      readonly type: string;
      readonly message: string;
      readonly line?: number;
      readonly column?: number;
      readonly warnings?: readonly PythonWarning[];
    };

const interpreters = new Map<string, Promise<string>>();

/**
 * The real interpreter behind a command. Shims (pyenv, asdf) cost a shell and a Python start-up on every
 * spawn (about 170 ms with pyenv); spawning `sys.executable` directly avoids that. Resolved once per
 * command per process.
 */
export function resolvePythonInterpreter(command: string): Promise<string> {
  let resolved = interpreters.get(command);
  if (resolved === undefined) {
    resolved = new Promise<string>((resolve, reject) => {
      execFile(command, ['-c', 'import sys; print(sys.executable)'], { timeout: 15_000 }, (error, stdout) => {
        if (error !== null) {
          reject(new BackendFailure(`cannot run the Python interpreter ${JSON.stringify(command)}: ${error.message}`));
          return;
        }
        const executable = stdout.trim();
        resolve(executable.length > 0 ? executable : command);
      });
    });
    // A failure is not cached: the interpreter may be installed later.
    resolved.catch(() => interpreters.delete(command));
    interpreters.set(command, resolved);
  }
  return resolved;
}

export interface PythonBackendOptions {
  /** A command or path; resolved to the real executable once. */
  readonly interpreter: string;
  /** Address-space cap of the Python process, in MiB (0 for none). Enforced by setrlimit where available. */
  readonly memoryMb: number;
}

/** One persistent Python process answering `compile()` checks over JSON lines on stdin/stdout. */
export function pythonBackend(options: PythonBackendOptions): StdioChildBackend<PythonCheck, PythonCheckResponse> {
  return new StdioChildBackend<PythonCheck, PythonCheckResponse>({
    label: 'the Python checker',
    command: async () => {
      const executable = await resolvePythonInterpreter(options.interpreter);
      const limitBytes = Math.max(0, Math.floor(options.memoryMb * 1024 * 1024));
      // -I: isolated (no PYTHON* variables, no user site, no script directory on sys.path); -S: no site import.
      return { file: executable, args: ['-I', '-S', '-c', PYTHON_WORKER_SCRIPT, String(limitBytes)] };
    },
    // After a MemoryError the interpreter may be in a poor state: answer, then let the pool replace it.
    retireAfter: (response) => !response.ok && response.kind === 'memory',
  });
}
