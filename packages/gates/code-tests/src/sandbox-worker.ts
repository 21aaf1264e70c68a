import { Worker } from 'node:worker_threads';
import type { HostToWorker, SandboxRequest, SandboxResponse, WorkerToHost } from './sandbox-protocol.ts';

/** Why a sandbox worker stopped: it crashed, ran out of its thread's memory, or was killed. */
export class SandboxFailure extends Error {
  readonly memoryLimit: boolean;

  constructor(message: string, options: { memoryLimit?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SandboxFailure';
    this.memoryLimit = options.memoryLimit === true;
  }
}

export interface SandboxWorkerOptions {
  /** The worker module: `quickjs-worker` or `pyodide-worker` (.ts from source, .js from the build). */
  readonly script: 'quickjs-worker' | 'pyodide-worker';
  /** Passed to the worker as `workerData`. */
  readonly data: unknown;
  /** V8 heap cap of the worker thread itself, in MiB (the sandbox's own memory is capped inside it). */
  readonly heapMb: number;
  /** The thread's native stack, in MiB: WebAssembly frames of a deep recursion live on it. */
  readonly stackMb: number;
}

interface Pending {
  readonly id: number;
  readonly resolve: (response: SandboxResponse) => void;
  readonly reject: (error: unknown) => void;
}

function workerUrl(script: string): URL {
  // From source (tests, `--conditions=source`) the worker is the .ts file, run by Node's type stripping;
  // from the build it is the compiled .js beside this module.
  return new URL(import.meta.url.endsWith('.ts') ? `./${script}.ts` : `./${script}.js`, import.meta.url);
}

/**
 * One sandbox worker thread: started once, then fed runs one at a time. The host never runs model code;
 * it only posts requests and reads responses. `kill` works while a run hangs (it terminates the thread).
 */
export class SandboxWorker {
  readonly #options: SandboxWorkerOptions;
  #worker: Worker | undefined;
  #alive = false;
  #pending: Pending | undefined;
  #exited: Promise<void> = Promise.resolve();
  /** Shared with the thread: the host writes 2 (SIGINT) to stop a Python program that passed its time. */
  readonly #interrupt = new Int32Array(new SharedArrayBuffer(4));

  constructor(options: SandboxWorkerOptions) {
    this.#options = options;
  }

  /** Asks the running program to stop (Python raises KeyboardInterrupt at its next check). */
  interrupt(): void {
    Atomics.store(this.#interrupt, 0, 2);
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** The worker's thread id, for tests. */
  get threadId(): number | undefined {
    return this.#worker?.threadId;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerUrl(this.#options.script), {
        workerData: { config: this.#options.data, interrupt: this.#interrupt.buffer },
        // The sandbox sees none of the host's environment: the thread gets an empty copy.
        env: {},
        stdout: true,
        stderr: true,
        resourceLimits: {
          maxOldGenerationSizeMb: this.#options.heapMb,
          maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(this.#options.heapMb / 8))),
          stackSizeMb: this.#options.stackMb,
        },
      });
      // Nothing the sandbox prints reaches the host's streams: worker stdout/stderr are drained and dropped.
      worker.stdout.resume();
      worker.stderr.resume();
      this.#worker = worker;
      this.#alive = true;
      let ready = false;
      this.#exited = new Promise((settle) => worker.once('exit', () => settle()));
      worker.on('message', (message: WorkerToHost) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            resolve();
            return;
          case 'result': {
            const pending = this.#pending;
            if (pending?.id !== message.response.id) return;
            this.#pending = undefined;
            pending.resolve(message.response);
            return;
          }
          case 'fatal': {
            const failure = new SandboxFailure(message.message);
            this.#fail(failure);
            if (!ready) reject(failure);
            return;
          }
        }
      });
      worker.on('error', (error: Error & { code?: string }) => {
        const failure = new SandboxFailure(`the sandbox thread failed: ${error.message}`, {
          memoryLimit: error.code === 'ERR_WORKER_OUT_OF_MEMORY',
          cause: error,
        });
        this.#fail(failure);
        if (!ready) reject(failure);
      });
      worker.on('exit', (code) => {
        const failure = new SandboxFailure(`the sandbox thread exited (code ${code})`);
        this.#fail(failure);
        if (!ready) reject(failure);
      });
    });
  }

  #fail(error: unknown): void {
    this.#alive = false;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }

  run(request: SandboxRequest): Promise<SandboxResponse> {
    const worker = this.#worker;
    if (!this.#alive || worker === undefined) return Promise.reject(new SandboxFailure('the sandbox is not running'));
    if (this.#pending !== undefined) return Promise.reject(new SandboxFailure('the sandbox is busy'));
    return new Promise((resolve, reject) => {
      this.#pending = { id: request.id, resolve, reject };
      const message: HostToWorker = { type: 'run', request };
      worker.postMessage(message);
    });
  }

  /** Ends the thread at once, hanging or not; resolves when it is gone. Never rejects. */
  async kill(): Promise<void> {
    const worker = this.#worker;
    this.#alive = false;
    if (worker === undefined) return;
    await worker.terminate().catch(() => undefined);
    await this.#exited;
  }

  ref(): void {
    this.#worker?.ref();
  }

  unref(): void {
    this.#worker?.unref();
  }
}
