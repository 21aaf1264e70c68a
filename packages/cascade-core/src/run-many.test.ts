import { describe, expect, it } from 'vitest';
import { createCascade } from './index.ts';
import type { RunManyProgress } from './options.ts';
import { scriptedProvider } from './test.ts';

const price = { inputPerMTok: 1, outputPerMTok: 1 };

describe('runMany', () => {
  it('keeps input order, never exceeds its concurrency, and returns failures as values', async () => {
    // Later requests answer sooner, so completion order differs from input order.
    const provider = scriptedProvider({
      script: (call) => {
        const n = Number(call.request.messages[0]?.content);
        return n % 7 === 3 ? { error: { status: 400 } } : { text: `answer ${n}`, delayMs: 30 - (n % 10) * 3 };
      },
    });
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm', price, maxConcurrency: 100 }] });
    const progress: RunManyProgress[] = [];
    const requests = Array.from({ length: 40 }, (_, i) => ({ prompt: String(i) }));
    const items = await cascade.runMany(requests, { concurrency: 4, onProgress: (p) => progress.push(p) });
    expect(items.map((item) => item.index)).toEqual(requests.map((_, i) => i));
    for (const item of items) {
      if (item.index % 7 === 3) {
        expect(item.ok).toBe(false);
        if (!item.ok) expect(item.error.code).toBe('CASCADE_EXHAUSTED');
      } else {
        expect(item.ok && item.result.text).toBe(`answer ${item.index}`);
      }
    }
    expect(provider.maxInFlight).toBe(4);
    expect(progress).toHaveLength(40);
    expect(progress.at(-1)).toEqual({ done: 40, total: 40, failed: 6 });
  });

  it("respects the tier's own limit across concurrent runs", async () => {
    const provider = scriptedProvider({ script: [{ text: 'x', delayMs: 5 }] });
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm', price, maxConcurrency: 3 }] });
    await cascade.runMany(
      Array.from({ length: 20 }, () => ({ prompt: 'p' })),
      { concurrency: 10 },
    );
    expect(provider.maxInFlight).toBe(3);
  });

  it('survives a throwing progress callback', async () => {
    const provider = scriptedProvider({ script: [{ text: 'x' }] });
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm', price }] });
    const items = await cascade.runMany([{ prompt: 'a' }, { prompt: 'b' }], {
      onProgress: () => {
        throw new Error('ui bug');
      },
    });
    expect(items.every((item) => item.ok)).toBe(true);
  });

  it('rejects a nonsensical concurrency, naming it', async () => {
    const provider = scriptedProvider({ script: [{ text: 'x' }] });
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm', price }] });
    await expect(cascade.runMany([], { concurrency: 0 })).rejects.toThrow(/concurrency: must be a whole number/);
  });
});

describe('runMany and the caller signal', () => {
  it('aborts every run in flight when the batch signal fires, and leaves the signal without listeners', async () => {
    const provider = scriptedProvider({ script: [{ text: 'x', delayMs: 60_000 }] });
    const cascade = createCascade({ tiers: [{ name: 't', provider, model: 'm', price, maxConcurrency: 1_000 }] });
    const controller = new AbortController();
    let added = 0;
    const original = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
      added += 1;
      return original(...args);
    }) as AbortSignal['addEventListener'];
    const batch = cascade.runMany(
      Array.from({ length: 500 }, (_, i) => ({ prompt: String(i) })),
      { concurrency: 500, signal: controller.signal },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(provider.inFlight).toBe(500);
    controller.abort();
    const items = await batch;
    expect(items.every((item) => !item.ok && item.error.code === 'ABORTED')).toBe(true);
    expect(provider.inFlight).toBe(0);
    // One listener for the whole batch, not one per run (each add would scan all the others).
    expect(added).toBe(1);
  });
});
