import { anthropicPrices } from '@llm-cascade/provider-anthropic';
import { openaiPrices } from '@llm-cascade/provider-openai';
import { describe, expect, it } from 'vitest';
import { publishedPrice } from './published-price.ts';

describe('publishedPrice', () => {
  it('reads OpenAI and Anthropic models from their own tables', () => {
    expect(publishedPrice('gpt-4.1-mini')).toEqual(openaiPrices.models['gpt-4.1-mini']);
    expect(publishedPrice('claude-sonnet-4-5')).toEqual(anthropicPrices.models['claude-sonnet-4-5']);
  });

  it('throws for a model neither table lists, rather than pricing it at nothing', () => {
    expect(() => publishedPrice('gpt-4.1-mini-typo')).toThrow('no published price for gpt-4.1-mini-typo');
  });
});
