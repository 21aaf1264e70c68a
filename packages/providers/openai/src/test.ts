export type {
  CompletionReply,
  ErrorReply,
  HangReply,
  OpenAIWireServer,
  OpenAIWireServerOptions,
  RawReply,
  WireChoice,
  WireReply,
  WireRequest,
  WireRequestBody,
  WireScript,
  WireToken,
  WireTopLogprob,
  WireUsage,
} from './testing/openai-wire-server.ts';
export { startOpenAIWireServer } from './testing/openai-wire-server.ts';
