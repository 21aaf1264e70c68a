import { type Candidate, type Generation, type Message, ProviderError } from '@llm-cascade/core';
import { type CallContext, classifyPayloadError, malformed, summariseBody } from './classify-error.ts';
import { isRecord, type MissingUsage, mapFinishReason, mapTokenLogprobs, mapUsage } from './map-response.ts';

export interface ParseCompletionInput {
  /** What the `openai` client parsed: an object, a string (non-JSON content type) or nothing (empty body). */
  readonly data: unknown;
  readonly status: number;
  readonly contentType: string | null;
  readonly messages: readonly Message[];
  readonly missingUsage: MissingUsage;
  readonly context: CallContext;
}

/** Decodes a body the client handed back as text, or explains why it is not a completion. */
function decodeBody(input: ParseCompletionInput): unknown {
  const { data, status, contentType, context } = input;
  const type = contentType ?? 'none';
  if (data === undefined || data === null || (typeof data === 'string' && data.trim() === '')) {
    throw malformed(context, `an empty body (HTTP ${status}, content-type ${type})`, { retryable: true, status });
  }
  if (typeof data !== 'string') return data;
  const text = data.trim();
  if (text.startsWith('<')) {
    throw malformed(context, `${summariseBody(text)} instead of JSON (HTTP ${status}, content-type ${type})`, {
      retryable: true,
      status,
    });
  }
  // Some servers send JSON without a JSON content type; the client then hands it over as text.
  try {
    return JSON.parse(text);
  } catch {
    throw malformed(context, `a body that is not JSON (HTTP ${status}, content-type ${type}): ${summariseBody(text)}`, {
      retryable: true,
      status,
    });
  }
}

interface IndexedCandidate {
  readonly index: number;
  readonly candidate: Candidate;
}

function mapChoice(choice: unknown, position: number, context: CallContext): IndexedCandidate {
  if (!isRecord(choice)) throw malformed(context, `choice ${position} that is not an object`, { retryable: false });
  const index = typeof choice.index === 'number' && Number.isInteger(choice.index) ? choice.index : position;
  const message = choice.message;
  if (!isRecord(message)) throw malformed(context, `choice ${index} without a message`, { retryable: false });
  const finishReason = mapFinishReason(choice.finish_reason);
  const refusal = typeof message.refusal === 'string' ? message.refusal : undefined;
  const content = message.content;
  let text: string;
  if (typeof content === 'string') {
    text = content;
  } else if (content === null || content === undefined) {
    // A refusal, or an answer stopped by the output cap or the content filter (reasoning models can spend
    // the whole cap before writing), legitimately has no content: the built-in gates judge those.
    if (refusal === undefined && finishReason !== 'length' && finishReason !== 'content_filter') {
      throw malformed(
        context,
        `choice ${index} with null content and no refusal (finish_reason ${String(choice.finish_reason)})`,
        {
          retryable: false,
        },
      );
    }
    text = '';
  } else {
    throw malformed(context, `choice ${index} whose content is not text`, { retryable: false });
  }
  const logprobs = isRecord(choice.logprobs) ? mapTokenLogprobs(choice.logprobs.content) : undefined;
  return {
    index,
    candidate: {
      text,
      finishReason,
      ...(logprobs === undefined ? {} : { logprobs }),
      ...(refusal === undefined ? {} : { refusal }),
    },
  };
}

/**
 * Turns a non-streaming Chat Completions body into a Generation, or throws a ProviderError that says what
 * was wrong with it. Choices come back in `index` order; fewer than `n` is not an error (the engine tops
 * up).
 */
export function parseCompletion(input: ParseCompletionInput): Generation {
  const { context } = input;
  const body = decodeBody(input);
  if (!isRecord(body)) {
    throw malformed(context, 'a JSON body that is not a chat completion object', {
      retryable: false,
      status: input.status,
    });
  }
  if (body.choices === undefined && body.error !== undefined && body.error !== null) {
    // Gateways (OpenRouter among them) report some upstream failures as a 200 with an error body.
    const rule = classifyPayloadError(body.error);
    const message =
      isRecord(body.error) && typeof body.error.message === 'string' ? body.error.message : JSON.stringify(body.error);
    throw new ProviderError(
      `provider '${context.providerId}' (model '${context.model}') sent an error in a ${input.status} body: ${summariseBody(message)}`,
      {
        kind: rule.kind,
        retryable: rule.retryable,
        providerId: context.providerId,
        model: context.model,
        ...(context.secrets === undefined ? {} : { secrets: context.secrets }),
      },
    );
  }
  if (!Array.isArray(body.choices) || body.choices.length === 0) {
    throw malformed(context, 'a completion with no choices', { retryable: false, status: input.status });
  }
  const indexed = body.choices.map((choice, position) => mapChoice(choice, position, context));
  indexed.sort((a, b) => a.index - b.index);
  const candidates = indexed.map((entry) => entry.candidate);
  const usage = mapUsage({
    usage: body.usage,
    candidates,
    messages: input.messages,
    missingUsage: input.missingUsage,
    context,
  });
  const model = typeof body.model === 'string' && body.model !== '' ? body.model : context.model;
  return { candidates, usage, model };
}
