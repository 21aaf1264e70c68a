import { describe, expect, it } from 'vitest';
import { lookupPrice, openaiPrices } from './prices.ts';

describe('openaiPrices', () => {
  it('says when the prices were read', () => {
    expect(openaiPrices.asOf).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
    expect(openaiPrices.source).toContain('verify');
  });

  it.each(Object.entries(openaiPrices.models))('has a coherent price for %s', (_model, price) => {
    for (const amount of [price.inputPerMTok, price.outputPerMTok, price.cachedInputPerMTok ?? 0]) {
      expect(Number.isFinite(amount) && amount >= 0).toBe(true);
    }
    // A cache read never costs more than a plain input token, and output costs at least input.
    expect(price.cachedInputPerMTok ?? price.inputPerMTok).toBeLessThanOrEqual(price.inputPerMTok);
    expect(price.outputPerMTok).toBeGreaterThanOrEqual(price.inputPerMTok);
  });
});

describe('lookupPrice', () => {
  const table = {
    base: { inputPerMTok: 1, outputPerMTok: 2 },
    'base-2024-01-01': { inputPerMTok: 3, outputPerMTok: 4 },
  };

  it('matches exactly first, then a dated snapshot by its base name', () => {
    expect(lookupPrice(table, 'base')).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(lookupPrice(table, 'base-2024-01-01')).toEqual({ inputPerMTok: 3, outputPerMTok: 4 });
    expect(lookupPrice(table, 'base-2025-06-30')).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
  });

  it('does not guess from similar names or inherited keys', () => {
    expect(lookupPrice(table, 'base-mini')).toBeUndefined();
    expect(lookupPrice(table, 'base-0613')).toBeUndefined();
    expect(lookupPrice(table, 'toString')).toBeUndefined();
    expect(lookupPrice(table, 'other-2024-01-01')).toBeUndefined();
  });
});
