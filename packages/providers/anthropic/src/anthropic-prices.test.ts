import { describe, expect, it } from 'vitest';
import { lookupPrice, priceKey } from './anthropic-prices.ts';
import { anthropicPrices, anthropicProvider } from './index.ts';

describe('anthropicPrices', () => {
  it('is dated and says where the numbers come from', () => {
    expect(anthropicPrices.asOf).toMatch(/^\d{4}-\d{2}$/);
    expect(anthropicPrices.source).toBe('https://www.anthropic.com/pricing');
    expect(anthropicPrices.note).toMatch(/Verify/);
    for (const price of Object.values(anthropicPrices.models)) {
      expect(price.outputPerMTok).toBeGreaterThan(price.inputPerMTok);
      expect(price.cachedInputPerMTok).toBeLessThan(price.inputPerMTok);
      expect(price.cacheWritePerMTok).toBeGreaterThan(price.inputPerMTok);
    }
  });

  it.each([
    ['claude-haiku-4-5', 'claude-haiku-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['Claude-Sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-0', 'claude-sonnet-4'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['claude-opus-4-5@20251101', 'claude-opus-4-5'],
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
    ['us.anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1'],
  ])('prices %s as %s', (model, key) => {
    expect(priceKey(model)).toBe(key);
    expect(lookupPrice(model, undefined)).toBe(anthropicPrices.models[key]);
  });

  it('never matches loosely: an unknown model has no price', () => {
    expect(lookupPrice('claude-opus-4-5-turbo', undefined)).toBeUndefined();
    expect(lookupPrice('claude-opus', undefined)).toBeUndefined();
    expect(lookupPrice('claude-haiku-5-5', undefined)).toBeUndefined();
    expect(lookupPrice('gpt-4o', undefined)).toBeUndefined();
    // Opus 4.5 is priced on its own, not as the older, dearer Opus 4.
    expect(lookupPrice('claude-opus-4-5', undefined)?.inputPerMTok).toBe(5);
    expect(lookupPrice('claude-opus-4-0', undefined)?.inputPerMTok).toBe(15);
  });

  it('lets the prices option win, by exact id or by alias', () => {
    const mine = { inputPerMTok: 0.5, outputPerMTok: 2 };
    const provider = anthropicProvider({
      apiKey: 'sk-test-prices',
      prices: { 'claude-haiku-4-5': mine, 'claude-new-model': { inputPerMTok: 9, outputPerMTok: 9 } },
    });
    expect(provider.priceFor('claude-haiku-4-5')).toBe(mine);
    expect(provider.priceFor('claude-haiku-4-5-20251001')).toBe(mine);
    expect(provider.priceFor('claude-new-model')).toEqual({ inputPerMTok: 9, outputPerMTok: 9 });
    expect(provider.priceFor('claude-sonnet-4-5')).toBe(anthropicPrices.models['claude-sonnet-4-5']);
    expect(provider.priceFor('unknown')).toBeUndefined();
  });
});
