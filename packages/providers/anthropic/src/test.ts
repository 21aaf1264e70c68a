export type {
  AnthropicWireServer,
  AnthropicWireServerOptions,
  WireContentBlock,
  WireErrorStep,
  WireHangStep,
  WireMessageStep,
  WireRawStep,
  WireRequest,
  WireScript,
  WireStep,
  WireUsage,
} from './testing/anthropic-wire-server.ts';
export { startAnthropicWireServer } from './testing/anthropic-wire-server.ts';
