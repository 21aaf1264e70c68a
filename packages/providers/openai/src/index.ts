export type { FetchFunction, LimitResponseSizeOptions } from './limit-response-size.ts';
export { DEFAULT_MAX_RESPONSE_BYTES, limitResponseSize, ResponseTooLargeError } from './limit-response-size.ts';
export type { MissingUsage } from './map-response.ts';
export type { OpenAIProvider, OpenAIProviderOptions } from './openai-provider.ts';
export { openaiProvider } from './openai-provider.ts';
export type { PriceTable, PublishedPrices } from './prices.ts';
export { lookupPrice, openaiPrices } from './prices.ts';
export type { ServerPreset } from './server-presets.ts';
export { serverPresets } from './server-presets.ts';
