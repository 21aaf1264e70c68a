export type { AiSdkProviderOptions } from './ai-sdk-provider.ts';
export { aiSdkProvider, toAiSdkPrompt } from './ai-sdk-provider.ts';
export type { CascadeModelOptions } from './cascade-model.ts';
export { cascadeModel } from './cascade-model.ts';
export { classifyError } from './classify-error.ts';
export type { MappedPrompt } from './from-ai-sdk-prompt.ts';
export { fromAiSdkPrompt } from './from-ai-sdk-prompt.ts';
