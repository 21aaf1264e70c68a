import { describe, expect, it, vi } from 'vitest';
import { createProgress, type ProgressSnapshot } from './progress.ts';
import { createSummaryBuilder } from './summary.ts';

function snapshot(done: number, total: number | undefined): ProgressSnapshot {
  const builder = createSummaryBuilder();
  for (let i = 0; i < done; i += 1) builder.addSkipped();
  return { counts: builder.counts, total, costUsd: 0.5, inFlight: 2 };
}

describe('createProgress', () => {
  it('redraws a bar in place on a terminal, throttled, and erases it for messages', () => {
    vi.useFakeTimers();
    try {
      const writes: string[] = [];
      const progress = createProgress({ stream: { isTTY: true, columns: 200, write: (t: string) => writes.push(t) } });
      progress.update(snapshot(1, 10));
      progress.update(snapshot(5, 10));
      expect(writes).toEqual([]);
      vi.advanceTimersByTime(100);
      expect(writes).toHaveLength(1);
      expect(writes[0]?.startsWith('\r\x1b[2K[##########----------]  50% 5/10 ')).toBe(true);
      vi.advanceTimersByTime(500);
      expect(writes).toHaveLength(1);
      progress.log('a message');
      expect(writes.slice(1)).toEqual(['\r\x1b[2K', 'a message\n']);
      progress.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('prints plain lines every N items when not a terminal', () => {
    const writes: string[] = [];
    const progress = createProgress({ everyItems: 3, stream: { write: (t: string) => writes.push(t) } });
    for (let done = 1; done <= 7; done += 1) progress.update(snapshot(done, undefined));
    progress.stop();
    expect(writes.map((w) => w.split(' ')[1])).toEqual(['3', '6']);
    expect(writes.every((w) => w.startsWith('progress: ') && !w.includes('\r'))).toBe(true);
  });
});
