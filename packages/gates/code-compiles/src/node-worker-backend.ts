import { Worker } from 'node:worker_threads';
import { ConfigError } from '@llm-cascade/core';
import { BackendFailure, type CheckBackend } from './check-pool.ts';
import { killProcess, watchMemory } from './process-memory.ts';
import type { NodeCheckRequest, NodeCheckResponse, NodeWorkerConfig, WorkerToMain } from './worker-protocol.ts';

export type NodeCheck = Omit<NodeCheckRequest, 'id'>;

export interface NodeWorkerBackendOptions {
  readonly config: NodeWorkerConfig;
  /** V8 old-generation cap of the worker thread, in MiB. */
  readonly workerMemoryMb: number;
  /** Resident-memory cap of the TypeScript compiler process, in MiB (enforced on Linux). */
  readonly compilerMemoryMb: number;
}

// From source (tests, `--conditions=source`) the worker is the .ts file, run by Node's type stripping; from
// the build it is the compiled .js beside this module.
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './typescript-worker.ts' : './typescript-worker.js',
  import.meta.url,
);

/** How long a kill waits for the worker to reap its compiler before terminating the thread regardless. */
const REAP_WAIT_MS = 2_000;

interface Pending {
  readonly id: number;
  readonly resolve: (response: NodeCheckResponse) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One worker thread running the TypeScript compiler. The compiler is a child process of the worker; its pid
 * is reported here so a hung type-check can be killed from this thread.
 */
export class NodeWorkerBackend implements CheckBackend<NodeCheck, NodeCheckResponse> {
  readonly #options: NodeWorkerBackendOptions;
  #worker: Worker | undefined;
  #compilerPid: number | undefined;
  #alive = false;
  #pending: Pending | undefined;
  #nextId = 0;
  #exited: Promise<void> = Promise.resolve();
  #reaped: Promise<void> = Promise.resolve();
  #compilerReaped: () => void = () => {};

  constructor(options: NodeWorkerBackendOptions) {
    this.#options = options;
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** The compiler's process id once it runs (for tests that check nothing is left behind). */
  get compilerPid(): number | undefined {
    return this.#compilerPid;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_URL, {
        workerData: this.#options.config,
        resourceLimits: {
          maxOldGenerationSizeMb: this.#options.workerMemoryMb,
          maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(this.#options.workerMemoryMb / 8))),
          stackSizeMb: 4,
        },
      });
      this.#worker = worker;
      this.#alive = true;
      let ready = false;
      this.#exited = new Promise((settle) => worker.once('exit', () => settle()));
      this.#reaped = new Promise((settle) => {
        this.#compilerReaped = settle;
      });
      worker.on('message', (message: WorkerToMain) => {
        switch (message.type) {
          case 'compiler-started':
            this.#compilerPid = message.compilerPid;
            return;
          case 'compiler-exited': {
            this.#compilerReaped();
            const failure = new BackendFailure('the TypeScript compiler process exited');
            this.#fail(failure);
            if (!ready) reject(failure);
            return;
          }
          case 'ready':
            this.#compilerPid ??= message.compilerPid;
            ready = true;
            resolve();
            return;
          case 'config-error': {
            const error = new ConfigError(message.field, message.message);
            this.#fail(error);
            if (!ready) reject(error);
            return;
          }
          case 'result': {
            const pending = this.#pending;
            if (pending?.id !== message.id) return;
            this.#pending = undefined;
            pending.resolve(message.response);
            return;
          }
          case 'failed': {
            const error = new BackendFailure(message.message);
            this.#fail(error);
            if (!ready) reject(error);
            return;
          }
        }
      });
      worker.on('error', (error: Error & { code?: string }) => {
        const failure = new BackendFailure(`the checker thread failed: ${error.message}`, {
          memoryLimit: error.code === 'ERR_WORKER_OUT_OF_MEMORY',
          cause: error,
        });
        this.#fail(failure);
        if (!ready) reject(failure);
      });
      worker.on('exit', (code) => {
        // The compiler child dies with its pipes, but do not rely on it: a worker killed by a resource limit
        // runs none of its own cleanup.
        killProcess(this.#compilerPid);
        const failure = new BackendFailure(`the checker thread exited (code ${code})`);
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

  run(request: NodeCheck): Promise<NodeCheckResponse> {
    const worker = this.#worker;
    if (!this.#alive || worker === undefined)
      return Promise.reject(new BackendFailure('the checker thread is not running'));
    if (this.#pending !== undefined) return Promise.reject(new BackendFailure('the checker thread is busy'));
    const id = ++this.#nextId;
    return new Promise<NodeCheckResponse>((resolve, reject) => {
      let stopWatch: (() => void) | undefined;
      const settle = () => stopWatch?.();
      this.#pending = {
        id,
        resolve: (response) => {
          settle();
          resolve(response);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const pid = this.#compilerPid;
      if (pid !== undefined) {
        stopWatch = watchMemory(pid, this.#options.compilerMemoryMb, (usedMb) => {
          this.#fail(
            new BackendFailure(
              `the TypeScript compiler passed its memory cap (${Math.round(usedMb)} MiB > ${this.#options.compilerMemoryMb} MiB)`,
              { memoryLimit: true },
            ),
          );
        });
      }
      worker.postMessage({ type: 'check', request: { ...request, id } });
    });
  }

  async kill(): Promise<void> {
    const worker = this.#worker;
    this.#alive = false;
    if (worker === undefined) return;
    if (this.#compilerPid !== undefined) {
      // The worker thread may be blocked in a synchronous read from a hung compiler: kill the compiler so the
      // read returns, then let the thread's event loop reap it before the thread goes.
      killProcess(this.#compilerPid);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#reaped,
        this.#exited,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, REAP_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
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
