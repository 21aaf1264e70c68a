import type { SandboxRequest, SandboxResponse } from './sandbox-protocol.ts';
import { SandboxFailure, type SandboxWorker } from './sandbox-worker.ts';

/** What happened to one run, from the pool's side. */
export type PoolOutcome =
  | { readonly kind: 'done'; readonly response: SandboxResponse; readonly durationMs: number }
  /** The sandbox did not answer by the hard deadline: it was killed (and is replaced on the next run). */
  | { readonly kind: 'killed'; readonly durationMs: number }
  | { readonly kind: 'crashed'; readonly message: string; readonly memoryLimit: boolean; readonly durationMs: number }
  | { readonly kind: 'aborted' };

export interface SandboxPoolOptions {
  /** Sandboxes at most; each runs one program at a time. */
  readonly size: number;
  /** After a run's own time limit, how long the sandbox gets to stop by itself before it is killed. */
  readonly graceMs: number;
  /** For a sandbox's start (loading the interpreter), separate from a run's limit. */
  readonly startTimeoutMs: number;
  /** Replace a sandbox after this many runs. */
  readonly recycleAfter: number;
  readonly create: () => SandboxWorker;
}

export interface SandboxPoolStats {
  /** Sandboxes alive now (idle or busy). */
  readonly live: number;
  readonly busy: number;
  readonly queued: number;
  /** Sandboxes started since the pool was made. */
  readonly started: number;
  /** Sandboxes killed because a run passed its hard deadline. */
  readonly killed: number;
  readonly crashes: number;
  readonly runs: number;
  /** The most runs that ever ran at once. */
  readonly maxBusy: number;
}

interface Slot {
  worker: SandboxWorker | undefined;
  busy: boolean;
  runs: number;
}

interface Job {
  readonly request: SandboxRequest;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (outcome: PoolOutcome) => void;
  readonly reject: (error: unknown) => void;
  readonly onAbort: () => void;
}

const CLOSED = 'the code-tests gate was closed';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A small pool of sandbox worker threads with a queue in front. Each run has a hard deadline (its time
 * limit plus a grace period); a sandbox that misses it is killed, as is one that crashed, and the next
 * run starts a new one. Nothing a program does can reject the caller's promise; only a closed pool can.
 */
export class SandboxPool {
  readonly #options: SandboxPoolOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  readonly #dying = new Set<Promise<void>>();
  #closed = false;
  #started = 0;
  #killed = 0;
  #crashes = 0;
  #runs = 0;
  #maxBusy = 0;

  constructor(options: SandboxPoolOptions) {
    this.#options = options;
  }

  get stats(): SandboxPoolStats {
    return {
      live: this.#slots.filter((s) => s.worker?.alive === true).length,
      busy: this.#slots.filter((s) => s.busy).length,
      queued: this.#queue.length,
      started: this.#started,
      killed: this.#killed,
      crashes: this.#crashes,
      runs: this.#runs,
      maxBusy: this.#maxBusy,
    };
  }

  run(request: SandboxRequest, signal?: AbortSignal): Promise<PoolOutcome> {
    if (this.#closed) return Promise.reject(new Error(CLOSED));
    if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    return new Promise((resolve, reject) => {
      const job: Job = {
        request,
        signal,
        resolve,
        reject,
        onAbort: () => {
          const index = this.#queue.indexOf(job);
          if (index === -1) return;
          this.#queue.splice(index, 1);
          resolve({ kind: 'aborted' });
        },
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Starts `count` sandboxes ahead of the first run. */
  async warmUp(count = this.#options.size): Promise<void> {
    if (this.#closed) throw new Error(CLOSED);
    const wanted = Math.min(count, this.#options.size);
    while (this.#slots.length < wanted) this.#slots.push({ worker: undefined, busy: false, runs: 0 });
    const starting = this.#slots.slice(0, wanted).map(async (slot) => {
      if (slot.busy || slot.worker?.alive === true) return;
      slot.busy = true;
      try {
        await this.#ensureStarted(slot);
      } finally {
        slot.busy = false;
        this.#pump();
      }
    });
    const results = await Promise.allSettled(starting);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  /** Kills every sandbox; queued runs reject. Resolves once every thread is gone. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.signal?.removeEventListener('abort', job.onAbort);
      job.reject(new Error(CLOSED));
    }
    const kills = this.#slots.map(async (slot) => {
      const worker = slot.worker;
      slot.worker = undefined;
      await worker?.kill();
    });
    await Promise.all([...kills, ...this.#dying]);
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      let slot = this.#slots.find((s) => !s.busy && s.worker?.alive === true) ?? this.#slots.find((s) => !s.busy);
      if (slot === undefined && this.#slots.length < this.#options.size) {
        slot = { worker: undefined, busy: false, runs: 0 };
        this.#slots.push(slot);
      }
      if (slot === undefined) return;
      const job = this.#queue.shift() as Job;
      job.signal?.removeEventListener('abort', job.onAbort);
      slot.busy = true;
      this.#maxBusy = Math.max(this.#maxBusy, this.#slots.filter((s) => s.busy).length);
      const chosen = slot;
      this.#execute(chosen, job).finally(() => {
        chosen.busy = false;
        this.#pump();
      });
    }
  }

  async #ensureStarted(slot: Slot): Promise<SandboxWorker> {
    if (slot.worker?.alive === true) return slot.worker;
    if (slot.worker !== undefined) this.#retire(slot.worker);
    const worker = this.#options.create();
    slot.worker = worker;
    slot.runs = 0;
    this.#started += 1;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        worker.start(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new SandboxFailure(`the sandbox did not start within ${this.#options.startTimeoutMs} ms`)),
            this.#options.startTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      slot.worker = undefined;
      this.#retire(worker);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (this.#closed) {
      slot.worker = undefined;
      this.#retire(worker);
      throw new Error(CLOSED);
    }
    worker.unref();
    return worker;
  }

  #retire(worker: SandboxWorker): void {
    const dying = worker.kill().finally(() => this.#dying.delete(dying));
    this.#dying.add(dying);
  }

  async #execute(slot: Slot, job: Job): Promise<void> {
    let worker: SandboxWorker;
    try {
      worker = await this.#ensureStarted(slot);
    } catch (error) {
      if (this.#closed) {
        job.reject(error);
        return;
      }
      this.#crashes += 1;
      job.resolve({
        kind: 'crashed',
        message: `the sandbox could not start: ${messageOf(error)}`,
        memoryLimit: false,
        durationMs: 0,
      });
      return;
    }
    worker.ref();
    const started = performance.now();
    const timers: NodeJS.Timeout[] = [];
    // The soft stop: Python checks the interrupt flag between bytecodes (QuickJS stops itself).
    timers.push(setTimeout(() => worker.interrupt(), job.request.limits.timeoutMs));
    const hardDeadline = new Promise<'killed'>((resolve) => {
      timers.push(setTimeout(() => resolve('killed'), job.request.limits.timeoutMs + this.#options.graceMs));
    });
    let outcome: PoolOutcome;
    try {
      const running = worker.run(job.request);
      running.catch(() => {});
      const value = await Promise.race([running, hardDeadline]);
      const durationMs = performance.now() - started;
      if (value === 'killed') {
        this.#killed += 1;
        slot.worker = undefined;
        await worker.kill();
        outcome = { kind: 'killed', durationMs };
      } else {
        this.#runs += 1;
        slot.runs += 1;
        outcome = { kind: 'done', response: value, durationMs };
        if (slot.runs >= this.#options.recycleAfter) {
          slot.worker = undefined;
          this.#retire(worker);
        }
      }
    } catch (error) {
      const durationMs = performance.now() - started;
      slot.worker = undefined;
      await worker.kill();
      this.#crashes += 1;
      outcome = {
        kind: 'crashed',
        message: messageOf(error),
        memoryLimit: error instanceof SandboxFailure && error.memoryLimit,
        durationMs,
      };
    } finally {
      for (const timer of timers) clearTimeout(timer);
      if (slot.worker === worker) worker.unref();
    }
    if (this.#closed) {
      job.reject(new Error(CLOSED));
      return;
    }
    job.resolve(outcome);
  }
}
