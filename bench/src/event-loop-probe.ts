import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The longest the event loop was blocked while a probe ran, measured two ways. */
export interface EventLoopStall {
  /** `perf_hooks.monitorEventLoopDelay` maximum (1 ms resolution), in milliseconds. */
  readonly histogramMaxMs: number;
  /** A 1 ms `setInterval` probe: the largest lateness of a tick, in milliseconds. */
  readonly intervalMaxMs: number;
  /** The histogram's 99th percentile, in milliseconds. */
  readonly p99Ms: number;
}

/** The worse of the two maxima. */
export function worstStall(stall: EventLoopStall): number {
  return Math.max(stall.histogramMaxMs, stall.intervalMaxMs);
}

/**
 * What the probes see with nothing to do for `ms`: the machine's own noise (other processes, the OS
 * scheduler), to read a stall figure against.
 */
export async function idleStall(ms = 1000): Promise<EventLoopStall> {
  const probe = probeEventLoop();
  await new Promise((settle) => setTimeout(settle, ms));
  return probe.stop();
}

/**
 * Starts both probes; `stop()` returns what they saw. The histogram's maximum includes its own timer
 * resolution (about 1 ms); the interval probe reports lateness beyond its period.
 */
export function probeEventLoop(): { stop(): EventLoopStall } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const period = 1;
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - period);
    last = now;
  }, period);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      return { histogramMaxMs: histogram.max / 1e6, intervalMaxMs: worst, p99Ms: histogram.percentile(99) / 1e6 };
    },
  };
}
