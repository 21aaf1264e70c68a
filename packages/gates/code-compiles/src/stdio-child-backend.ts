import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { BackendFailure, type CheckBackend } from './check-pool.ts';
import { killProcess, watchMemory } from './process-memory.ts';

/** What to spawn; resolved when the backend starts (the Python interpreter is looked up once). */
export interface ChildCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface StdioChildBackendOptions<TResponse> {
  /** Names the checker in failure messages (`the Python checker`). */
  readonly label: string;
  readonly command: () => Promise<ChildCommand>;
  /** Resident-memory cap in MiB, watched (on Linux) while a check runs; the child is killed past it. */
  readonly watchMemoryMb?: number;
  /** True when the child answered but should not be trusted with another check (say after a MemoryError). */
  readonly retireAfter?: (response: TResponse) => boolean;
}

const STDERR_KEPT = 2000;
/** How long a kill waits for the child's exit to be reported before giving up on it. */
const EXIT_WAIT_MS = 2000;

/**
 * One persistent child process answering checks over JSON lines: a request `{ id, ...request }` on stdin,
 * one line `{ id, ...response }` on stdout, after a first `{ "ready": true }` line. A crash of the child
 * (a native stack overflow in a parser, say) costs only the check it was running: the pool replaces it.
 */
export class StdioChildBackend<TRequest extends object, TResponse> implements CheckBackend<TRequest, TResponse> {
  readonly #options: StdioChildBackendOptions<TResponse>;
  #child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  #alive = false;
  /** Pieces of a line not yet ended; joined once its newline arrives, so a long line costs linear time. */
  #partial: string[] = [];
  #stderr = '';
  #nextId = 0;
  #pending: { id: number; resolve: (value: TResponse) => void; reject: (error: unknown) => void } | undefined;
  #onReady: ((error?: Error) => void) | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(options: StdioChildBackendOptions<TResponse>) {
    this.#options = options;
  }

  get alive(): boolean {
    return this.#alive;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    const command = await this.#options.command();
    const label = this.#options.label;
    const child = spawn(command.file, command.args, { stdio: ['pipe', 'pipe', 'pipe'], env: command.env });
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
      this.#fail(new BackendFailure(`${label} failed: ${error.message}`, { cause: error })),
    );
    child.once('exit', (code, signal) => {
      const detail = this.#stderr.trim().split('\n').slice(-3).join(' | ');
      this.#fail(
        new BackendFailure(`${label} exited (${signal ?? `code ${code}`})${detail.length > 0 ? `: ${detail}` : ''}`, {
          signal: signal ?? undefined,
        }),
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
    let start = 0;
    for (;;) {
      const end = chunk.indexOf('\n', start);
      if (end === -1) {
        if (start < chunk.length) this.#partial.push(chunk.slice(start));
        return;
      }
      this.#partial.push(chunk.slice(start, end));
      start = end + 1;
      const line = this.#partial.length === 1 ? (this.#partial[0] as string) : this.#partial.join('');
      this.#partial = [];
      let message: { ready?: boolean; id?: number };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        this.#fail(new BackendFailure(`${this.#options.label} wrote something that is not JSON`));
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
      const response = message as unknown as TResponse;
      if (this.#options.retireAfter?.(response) === true) this.#alive = false;
      pending.resolve(response);
    }
  }

  run(request: TRequest): Promise<TResponse> {
    const child = this.#child;
    const label = this.#options.label;
    if (!this.#alive || child === undefined) return Promise.reject(new BackendFailure(`${label} is not running`));
    if (this.#pending !== undefined) return Promise.reject(new BackendFailure(`${label} is busy`));
    const id = ++this.#nextId;
    return new Promise<TResponse>((resolve, reject) => {
      let stopWatch: (() => void) | undefined;
      this.#pending = {
        id,
        resolve: (value) => {
          stopWatch?.();
          resolve(value);
        },
        reject: (error) => {
          stopWatch?.();
          reject(error);
        },
      };
      const limitMb = this.#options.watchMemoryMb;
      if (limitMb !== undefined && child.pid !== undefined) {
        stopWatch = watchMemory(child.pid, limitMb, (usedMb) => {
          this.#fail(
            new BackendFailure(`${label} passed its memory cap (${Math.round(usedMb)} MiB > ${limitMb} MiB)`, {
              memoryLimit: true,
            }),
          );
        });
      }
      // A lone surrogate would not survive UTF-8: JSON.stringify escapes it (`\ud800`), so it arrives intact.
      child.stdin.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }

  async kill(): Promise<void> {
    this.#alive = false;
    const child = this.#child;
    if (child === undefined) return;
    if (child.exitCode === null && child.signalCode === null) killProcess(child.pid);
    child.stdin.destroy();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, EXIT_WAIT_MS)))]);
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
