import { APIError } from '@anthropic-ai/sdk';
import { type Generation, ProviderError } from '@llm-cascade/core';
import { ResponseTooLargeError } from './response-size-limit.ts';
import { malformed, toGeneration } from './to-generation.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Block {
  type: unknown;
  text: string;
}

/**
 * Assembles a streamed Messages API answer (message_start, content_block_start/delta/stop,
 * message_delta, message_stop) into the same Generation a non-streaming call gives. A stream that ends
 * before `message_stop`, or breaks off mid-way, is a retryable malformed-response error: a partial
 * answer must never pass for a whole one. Unknown event and delta types are skipped, so a newer server
 * does not break an older provider.
 */
export async function readMessageStream(
  events: AsyncIterable<unknown>,
  requestedModel: string,
  signal: AbortSignal,
): Promise<Generation> {
  let started = false;
  let stopped = false;
  let model: unknown;
  let stopReason: unknown = null;
  let stopDetails: unknown = null;
  const usage: Record<string, unknown> = {};
  const blocks: Block[] = [];
  const mergeUsage = (value: unknown) => {
    if (!isRecord(value)) return;
    for (const [key, count] of Object.entries(value)) if (count !== null && count !== undefined) usage[key] = count;
  };

  try {
    for await (const event of events) {
      if (!isRecord(event)) throw malformed('the stream sent an event that is not an object', requestedModel, true);
      if (stopped) continue;
      switch (event.type) {
        case 'message_start': {
          const message = event.message;
          if (!isRecord(message)) throw malformed('message_start carries no message', requestedModel, true);
          started = true;
          model = message.model;
          mergeUsage(message.usage);
          break;
        }
        case 'content_block_start': {
          const block = event.content_block;
          if (!started || typeof event.index !== 'number' || !isRecord(block)) {
            throw malformed(
              'the stream sent content_block_start out of order or without a block',
              requestedModel,
              true,
            );
          }
          blocks[event.index] = { type: block.type, text: typeof block.text === 'string' ? block.text : '' };
          break;
        }
        case 'content_block_delta': {
          const block = typeof event.index === 'number' ? blocks[event.index] : undefined;
          if (block === undefined || !isRecord(event.delta)) {
            throw malformed('the stream sent a delta for a block it never started', requestedModel, true);
          }
          if (event.delta.type === 'text_delta' && typeof event.delta.text === 'string') block.text += event.delta.text;
          break;
        }
        case 'message_delta': {
          if (isRecord(event.delta)) {
            if (event.delta.stop_reason !== undefined) stopReason = event.delta.stop_reason;
            if (event.delta.stop_details !== undefined) stopDetails = event.delta.stop_details;
          }
          mergeUsage(event.usage);
          break;
        }
        case 'message_stop':
          stopped = true;
          break;
        default:
          break;
      }
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    // An `error` event (overloaded mid-stream) and the size cap are classified by the caller.
    if (error instanceof APIError || ResponseTooLargeError.isInstance(error)) throw error;
    if (ProviderError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw malformed(`the stream broke off mid-way (${reason})`, requestedModel, true, error);
  }
  // The SDK ends the iteration quietly when the request is aborted: a short stream may just be our abort.
  if (signal.aborted) throw signal.reason;
  if (!started) throw malformed('the stream ended before message_start', requestedModel, true);
  if (!stopped) {
    throw malformed('the stream ended without message_stop: the answer was cut off mid-way', requestedModel, true);
  }
  return toGeneration(
    { model, content: blocks.filter((block) => block !== undefined), stopReason, stopDetails, usage },
    requestedModel,
  );
}
