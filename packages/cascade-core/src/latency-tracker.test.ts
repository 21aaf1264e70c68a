import { describe, expect, it } from 'vitest';
import { LatencyTracker } from './latency-tracker.ts';

describe('LatencyTracker', () => {
  it('tracks an EWMA and the p95 of the recent window', () => {
    const tracker = new LatencyTracker({ alpha: 0.5, windowSize: 100 });
    expect(tracker.snapshot()).toEqual({ ewmaMs: undefined, p95Ms: undefined, samples: 0 });
    tracker.observe(100);
    tracker.observe(200);
    expect(tracker.snapshot().ewmaMs).toBe(150);
    for (let i = 1; i <= 100; i += 1) tracker.observe(i);
    expect(tracker.p95Ms).toBe(95);
    expect(tracker.snapshot().samples).toBe(102);
  });

  it('forgets samples older than its window and ignores nonsense', () => {
    const tracker = new LatencyTracker({ windowSize: 4 });
    for (const ms of [1000, 1000, 1000, 1000, 1, 2, 3, 4]) tracker.observe(ms);
    tracker.observe(Number.NaN);
    tracker.observe(-5);
    expect(tracker.p95Ms).toBe(4);
    expect(tracker.snapshot().samples).toBe(8);
  });
});
