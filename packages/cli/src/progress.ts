import type { BatchCounts } from './summary.ts';

/**
 * - `auto`: a live bar when the stream is a terminal, plain lines otherwise (a log file, CI).
 * - `bar`: the live bar, redrawn in place.
 * - `lines`: a plain line every `everyItems` items or `everyMs` milliseconds.
 * - `off`: nothing but messages.
 */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'off';

/** Where a progress display writes: stderr, or anything with `write` (tests). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Default `auto`. */
  readonly mode?: ProgressMode;
  /** Default `process.stderr`. */
  readonly stream?: ProgressStream;
  /** Plain lines: print after this many items. Default 100. */
  readonly everyItems?: number;
  /** Plain lines: print at least this often while something changed. Default 10,000 ms. */
  readonly everyMs?: number;
  /** Bar: redraw at most this often. Default 100 ms. */
  readonly redrawMs?: number;
}

export interface ProgressSnapshot {
  readonly counts: BatchCounts;
  /** Non-blank input lines, when known in advance (a file; not standard input). */
  readonly total: number | undefined;
  readonly costUsd: number;
  readonly inFlight: number;
}

/** A progress display. Every message the batch prints goes through `log` so it never tears the bar. */
export interface ProgressReporter {
  update(snapshot: ProgressSnapshot): void;
  log(message: string): void;
  /** Stops the timer and erases the bar. */
  stop(): void;
}

function handled(counts: BatchCounts): number {
  return counts.processed + counts.skipped + counts.duplicates + counts.malformed;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function describe(snapshot: ProgressSnapshot, elapsedMs: number): string {
  const c = snapshot.counts;
  const done = handled(c);
  const rate = elapsedMs > 0 ? (c.processed * 1000) / elapsedMs : 0;
  const total = snapshot.total;
  const remaining = total === undefined ? undefined : Math.max(0, total - done);
  const eta = remaining !== undefined && rate > 0 ? ` eta ${seconds((remaining / rate) * 1000)}` : '';
  return (
    `${done}${total === undefined ? '' : `/${total}`} ok ${c.accepted} failed ${c.failed} ` +
    `skipped ${c.skipped + c.duplicates} malformed ${c.malformed} | ${snapshot.inFlight} in flight, ` +
    `${rate.toFixed(1)}/s${eta} | $${snapshot.costUsd.toFixed(4)}`
  );
}

/** Builds the progress display for a batch. */
export function createProgress(options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const requested = options.mode ?? 'auto';
  const mode = requested === 'auto' ? (stream.isTTY === true ? 'bar' : 'lines') : requested;
  const started = performance.now();
  let latest: ProgressSnapshot | undefined;
  let dirty = false;
  let barShown = false;

  if (mode === 'off') {
    return { update() {}, log: (message) => void stream.write(`${message}\n`), stop() {} };
  }

  if (mode === 'lines') {
    const everyItems = options.everyItems ?? 100;
    let printedAt = -1;
    const print = (): void => {
      if (latest === undefined) return;
      const done = handled(latest.counts);
      if (done === printedAt) return;
      printedAt = done;
      stream.write(`progress: ${describe(latest, performance.now() - started)}\n`);
    };
    const timer = setInterval(print, options.everyMs ?? 10_000);
    timer.unref();
    return {
      update(snapshot) {
        latest = snapshot;
        if (handled(snapshot.counts) - Math.max(0, printedAt) >= everyItems) print();
      },
      log: (message) => void stream.write(`${message}\n`),
      stop() {
        clearInterval(timer);
      },
    };
  }

  const clear = (): void => {
    if (barShown) stream.write('\r\x1b[2K');
    barShown = false;
  };
  const draw = (): void => {
    if (latest === undefined) return;
    const width = Math.max(40, stream.columns ?? 80);
    const text = describe(latest, performance.now() - started);
    const total = latest.total;
    let bar = '';
    if (total !== undefined && total > 0) {
      const share = Math.min(1, handled(latest.counts) / total);
      const cells = 20;
      const full = Math.round(share * cells);
      bar = `[${'#'.repeat(full)}${'-'.repeat(cells - full)}] ${String(Math.floor(share * 100)).padStart(3)}% `;
    }
    const line = `${bar}${text}`;
    stream.write(`\r\x1b[2K${line.length >= width ? line.slice(0, width - 1) : line}`);
    barShown = true;
    dirty = false;
  };
  const timer = setInterval(() => {
    if (dirty) draw();
  }, options.redrawMs ?? 100);
  timer.unref();
  return {
    update(snapshot) {
      latest = snapshot;
      dirty = true;
    },
    log(message) {
      clear();
      stream.write(`${message}\n`);
      dirty = true;
    },
    stop() {
      clearInterval(timer);
      clear();
    },
  };
}
