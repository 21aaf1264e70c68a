import { ConfigError } from '@llm-cascade/core';

/**
 * One checker process or thread: started once, then fed checks one at a time. `kill` must work even while
 * a check hangs, which is why the pool, not the backend, owns the timeout.
 */
export interface CheckBackend<TRequest, TResponse> {
  /** Resolves when the backend can take checks. Rejects with `ConfigError` when the gate's setup is wrong. */
  start(): Promise<void>;
  /** Rejects with `BackendFailure` when the backend died or broke its protocol. */
  run(request: TRequest): Promise<TResponse>;
  /** Ends the backend at once, hanging or not. Never rejects. */
  kill(): Promise<void>;
  /** False once the backend died, was killed, or found itself unusable. */
  readonly alive: boolean;
  /** Keep the process alive while a check runs, and let it exit while the backend idles. */
  ref(): void;
  unref(): void;
}

/** Why a backend stopped: a crash (any death or protocol error) or its memory cap. */
export class BackendFailure extends Error {
  readonly memoryLimit: boolean;
  /** The signal that ended the checker's process (`SIGSEGV` for a native stack overflow), when one did. */
  readonly signal: string | undefined;

  constructor(message: string, options: { memoryLimit?: boolean; signal?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BackendFailure';
    this.memoryLimit = options.memoryLimit === true;
    this.signal = options.signal;
  }
}

export type PoolOutcome<TResponse> =
  | { readonly kind: 'done'; readonly value: TResponse; readonly durationMs: number }
  | { readonly kind: 'timeout'; readonly durationMs: number }
  | { readonly kind: 'crashed'; readonly message: string; readonly durationMs: number; readonly signal?: string }
  | { readonly kind: 'memory-limit'; readonly message: string; readonly durationMs: number }
  | { readonly kind: 'aborted' };

export interface CheckPoolOptions<TRequest, TResponse> {
  /** Backends at most; each runs one check at a time. */
  readonly size: number;
  /** Per check, from the moment a ready backend receives it. The backend is killed when it passes. */
  readonly timeoutMs: number;
  /** For a backend's start (process spawn, compiler warm-up), separate from the check timeout. */
  readonly startTimeoutMs: number;
  /** Replace a backend after this many checks, so slow leaks in a compiler cannot grow without bound. */
  readonly recycleAfter: number;
  readonly create: () => CheckBackend<TRequest, TResponse>;
}

/** Counters for tests, benchmarks and dashboards. */
export interface CheckPoolStats {
  /** Backends alive now (idle or busy). */
  readonly live: number;
  readonly busy: number;
  readonly queued: number;
  /** Backends started since the pool was made. */
  readonly started: number;
  readonly timeouts: number;
  readonly crashes: number;
  readonly checks: number;
  /** The most checks that ever ran at once. */
  readonly maxBusy: number;
}

interface Slot<TRequest, TResponse> {
  backend: CheckBackend<TRequest, TResponse> | undefined;
  busy: boolean;
  checks: number;
}

interface Job<TRequest, TResponse> {
  readonly request: TRequest;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (outcome: PoolOutcome<TResponse>) => void;
  readonly reject: (error: unknown) => void;
  readonly onAbort: () => void;
}

/** After a checker fails to start, checks fail at once for this long before a start is tried again. */
const START_RETRY_MS = 1_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A small pool of checker backends with a queue in front. A check that passes its timeout kills its backend
 * (and with it any compiler child process); a crashed backend is replaced on the next check. Nothing a
 * check does can reject the caller's promise except a closed pool or a misconfigured gate.
 */
export class CheckPool<TRequest, TResponse> {
  readonly #options: CheckPoolOptions<TRequest, TResponse>;
  readonly #slots: Slot<TRequest, TResponse>[] = [];
  readonly #queue: Job<TRequest, TResponse>[] = [];
  readonly #dying = new Set<Promise<void>>();
  #closed = false;
  #startFailure: { readonly at: number; readonly message: string } | undefined;
  #started = 0;
  #timeouts = 0;
  #crashes = 0;
  #checks = 0;
  #maxBusy = 0;

  constructor(options: CheckPoolOptions<TRequest, TResponse>) {
    this.#options = options;
  }

  get stats(): CheckPoolStats {
    const busy = this.#slots.filter((s) => s.busy).length;
    return {
      live: this.#slots.filter((s) => s.backend?.alive === true).length,
      busy,
      queued: this.#queue.length,
      started: this.#started,
      timeouts: this.#timeouts,
      crashes: this.#crashes,
      checks: this.#checks,
      maxBusy: this.#maxBusy,
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs one check on the next free backend. Resolves with what happened; rejects only when closed or misconfigured. */
  run(request: TRequest, signal?: AbortSignal): Promise<PoolOutcome<TResponse>> {
    if (this.#closed) return Promise.reject(new Error('the code-compiles gate was closed'));
    if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    return new Promise((resolve, reject) => {
      const job: Job<TRequest, TResponse> = {
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

  /** Starts `count` backends (default: all) ahead of the first check. Rejects with `ConfigError` on a bad setup. */
  async warmUp(count = this.#options.size): Promise<void> {
    if (this.#closed) throw new Error('the code-compiles gate was closed');
    const wanted = Math.min(count, this.#options.size);
    while (this.#slots.length < wanted) this.#slots.push({ backend: undefined, busy: false, checks: 0 });
    const starting: Promise<void>[] = [];
    for (const slot of this.#slots.slice(0, wanted)) {
      if (slot.busy || slot.backend?.alive === true) continue;
      slot.busy = true;
      starting.push(
        this.#ensureStarted(slot)
          .then(() => undefined)
          .finally(() => {
            slot.busy = false;
            this.#pump();
          }),
      );
    }
    const results = await Promise.allSettled(starting);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  /** Kills every backend; queued and running checks reject. Resolves once every process and thread is gone. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.signal?.removeEventListener('abort', job.onAbort);
      job.reject(new Error('the code-compiles gate was closed'));
    }
    const kills = this.#slots.map(async (slot) => {
      const backend = slot.backend;
      slot.backend = undefined;
      await backend?.kill();
    });
    await Promise.all([...kills, ...this.#dying]);
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      let slot = this.#slots.find((s) => !s.busy && s.backend?.alive === true) ?? this.#slots.find((s) => !s.busy);
      if (slot === undefined && this.#slots.length < this.#options.size) {
        slot = { backend: undefined, busy: false, checks: 0 };
        this.#slots.push(slot);
      }
      if (slot === undefined) return;
      const job = this.#queue.shift() as Job<TRequest, TResponse>;
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

  async #ensureStarted(slot: Slot<TRequest, TResponse>): Promise<CheckBackend<TRequest, TResponse>> {
    if (slot.backend?.alive === true) return slot.backend;
    if (slot.backend !== undefined) this.#retire(slot.backend);
    const backend = this.#options.create();
    slot.backend = backend;
    slot.checks = 0;
    this.#started += 1;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        backend.start(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new BackendFailure(`the checker did not start within ${this.#options.startTimeoutMs} ms`)),
            this.#options.startTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      slot.backend = undefined;
      this.#retire(backend);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (this.#closed) {
      slot.backend = undefined;
      this.#retire(backend);
      throw new Error('the code-compiles gate was closed');
    }
    backend.unref();
    return backend;
  }

  /** Kills a backend in the background; `close()` still waits for it. */
  #retire(backend: CheckBackend<TRequest, TResponse>): void {
    const dying = backend.kill().finally(() => this.#dying.delete(dying));
    this.#dying.add(dying);
  }

  async #execute(slot: Slot<TRequest, TResponse>, job: Job<TRequest, TResponse>): Promise<void> {
    let backend: CheckBackend<TRequest, TResponse>;
    const recentFailure = this.#startFailure;
    if (
      recentFailure !== undefined &&
      slot.backend?.alive !== true &&
      performance.now() - recentFailure.at < START_RETRY_MS
    ) {
      // A checker that just failed to start (no interpreter, no memory to fork) would fail again: answer the
      // queue at once instead of paying a start-up for every queued check.
      this.#crashes += 1;
      job.resolve({ kind: 'crashed', message: recentFailure.message, durationMs: 0 });
      return;
    }
    try {
      backend = await this.#ensureStarted(slot);
      this.#startFailure = undefined;
    } catch (error) {
      if (ConfigError.isInstance(error) || this.#closed) {
        job.reject(error);
      } else {
        this.#crashes += 1;
        const message = `the checker could not start: ${messageOf(error)}`;
        this.#startFailure = { at: performance.now(), message };
        job.resolve({ kind: 'crashed', message, durationMs: 0 });
      }
      return;
    }
    backend.ref();
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#options.timeoutMs);
    });
    let outcome: PoolOutcome<TResponse>;
    try {
      const running = backend.run(job.request);
      // After a timeout the run still settles (rejects when the backend is killed): nobody waits for it then.
      running.catch(() => {});
      const value = await Promise.race([running, timedOut]);
      const durationMs = performance.now() - started;
      if (value === 'timeout') {
        this.#timeouts += 1;
        outcome = { kind: 'timeout', durationMs };
        // Wait for the kill: the hung compiler holds a core until it is gone, and the next check on this
        // slot should not compete with it.
        slot.backend = undefined;
        await backend.kill();
      } else {
        this.#checks += 1;
        slot.checks += 1;
        outcome = { kind: 'done', value, durationMs };
        if (slot.checks >= this.#options.recycleAfter) {
          slot.backend = undefined;
          this.#retire(backend);
        }
      }
    } catch (error) {
      const durationMs = performance.now() - started;
      slot.backend = undefined;
      await backend.kill();
      if (this.#closed) {
        job.reject(new Error('the code-compiles gate was closed during the check'));
        return;
      }
      if (ConfigError.isInstance(error)) {
        job.reject(error);
        return;
      }
      this.#crashes += 1;
      const message = messageOf(error);
      const failure = error instanceof BackendFailure ? error : undefined;
      outcome =
        failure?.memoryLimit === true
          ? { kind: 'memory-limit', message, durationMs }
          : {
              kind: 'crashed',
              message,
              durationMs,
              ...(failure?.signal === undefined ? {} : { signal: failure.signal }),
            };
    } finally {
      clearTimeout(timer);
      if (slot.backend === backend) backend.unref();
    }
    if (this.#closed) {
      job.reject(new Error('the code-compiles gate was closed during the check'));
      return;
    }
    job.resolve(outcome);
  }
}
