export type { AnthropicPriceTable } from './anthropic-prices.ts';
export { anthropicPrices } from './anthropic-prices.ts';
export type { AnthropicProvider, AnthropicProviderOptions } from './anthropic-provider.ts';
export { ANTHROPIC_DEFAULTS, anthropicProvider } from './anthropic-provider.ts';
export { parseRetryAfter } from './retry-after.ts';
