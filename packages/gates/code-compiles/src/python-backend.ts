import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { BackendFailure, type CheckBackend } from './check-pool.ts';
import { killProcess } from './process-memory.ts';
import { PYTHON_WORKER_SCRIPT } from './python-worker-script.ts';

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

const STDERR_KEPT = 2000;

/** One persistent Python process answering `compile()` checks over JSON lines on stdin/stdout. */
export class PythonBackend implements CheckBackend<PythonCheck, PythonCheckResponse> {
  readonly #options: PythonBackendOptions;
  #child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  #alive = false;
  #buffer = '';
  #stderr = '';
  #nextId = 0;
  #pending: { id: number; resolve: (value: PythonCheckResponse) => void; reject: (error: unknown) => void } | undefined;
  #onReady: ((error?: Error) => void) | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(options: PythonBackendOptions) {
    this.#options = options;
  }

  get alive(): boolean {
    return this.#alive;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    const executable = await resolvePythonInterpreter(this.#options.interpreter);
    const limitBytes = Math.max(0, Math.floor(this.#options.memoryMb * 1024 * 1024));
    // -I: isolated (no PYTHON* variables, no user site, no script directory on sys.path); -S: no site import.
    const child = spawn(executable, ['-I', '-S', '-c', PYTHON_WORKER_SCRIPT, String(limitBytes)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#alive = true;
    this.#exited = new Promise((settle) => child.once('close', () => settle()));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.#receive(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_KEPT);
    });
    child.stdin.on('error', () => {
      // EPIPE when the process died mid-write: the exit handler reports it.
    });
    child.once('error', (error) =>
      this.#fail(new BackendFailure(`the Python checker failed: ${error.message}`, { cause: error })),
    );
    child.once('exit', (code, signal) => {
      const detail = this.#stderr.trim().split('\n').slice(-3).join(' | ');
      this.#fail(
        new BackendFailure(
          `the Python checker exited (${signal ?? `code ${code}`})${detail.length > 0 ? `: ${detail}` : ''}`,
        ),
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.#onReady = (error) => (error === undefined ? resolve() : reject(error));
    });
  }

  #fail(error: Error): void {
    this.#alive = false;
    const onReady = this.#onReady;
    this.#onReady = undefined;
    onReady?.(error);
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const end = this.#buffer.indexOf('\n');
      if (end === -1) return;
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      let message: { ready?: boolean; id?: number } & Record<string, unknown>;
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        this.#fail(new BackendFailure('the Python checker wrote something that is not JSON'));
        return;
      }
      if (message.ready === true) {
        const onReady = this.#onReady;
        this.#onReady = undefined;
        onReady?.();
        continue;
      }
      const pending = this.#pending;
      if (pending === undefined || message.id !== pending.id) continue;
      this.#pending = undefined;
      // After a MemoryError the interpreter may be in a poor state: answer, then let the pool replace it.
      if (message.kind === 'memory') this.#alive = false;
      pending.resolve(message as unknown as PythonCheckResponse);
    }
  }

  run(request: PythonCheck): Promise<PythonCheckResponse> {
    const child = this.#child;
    if (!this.#alive || child === undefined)
      return Promise.reject(new BackendFailure('the Python checker is not running'));
    if (this.#pending !== undefined) return Promise.reject(new BackendFailure('the Python checker is busy'));
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending = { id, resolve, reject };
      child.stdin.write(`${JSON.stringify({ id, source: request.source })}\n`);
    });
  }

  async kill(): Promise<void> {
    this.#alive = false;
    const child = this.#child;
    if (child === undefined) return;
    if (child.exitCode === null && child.signalCode === null) killProcess(child.pid);
    child.stdin.destroy();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
  }

  ref(): void {
    const child = this.#child;
    if (child === undefined) return;
    child.ref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).ref?.();
  }

  unref(): void {
    const child = this.#child;
    if (child === undefined) return;
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref?.();
  }
}
