import type { Candidate, Generation, Message, TokenLogprob } from '@llm-cascade/core';
import { type CallContext, malformed } from './classify-error.ts';
import { isRecord, type MissingUsage, mapFinishReason, mapTokenLogprobs, mapUsage } from './map-response.ts';

interface ChoiceState {
  readonly text: string[];
  readonly refusal: string[];
  sawContent: boolean;
  finishReason: unknown;
  logprobs: TokenLogprob[] | undefined;
  /** Set when some chunk's logprobs were unreadable: the sequence is then incomplete and dropped. */
  logprobsBroken: boolean;
}

/**
 * Collects streamed Chat Completions chunks (per-index deltas, per-token logprobs, the final usage chunk)
 * into the same Generation a non-streaming call returns. `finish()` refuses a stream that was cut before
 * every choice finished: a partial answer must never pass as a whole one.
 */
export class StreamAssembly {
  readonly #choices = new Map<number, ChoiceState>();
  readonly #context: CallContext;
  #chunks = 0;
  #usage: unknown;
  #model: string | undefined;
  #unreadable = 0;
  /** The response's content type, named when the stream turns out empty (a server that ignored `stream`). */
  contentType: string | null = null;

  constructor(context: CallContext) {
    this.#context = context;
  }

  add(chunk: unknown): void {
    this.#chunks += 1;
    if (!isRecord(chunk)) {
      this.#unreadable += 1;
      return;
    }
    if (typeof chunk.model === 'string' && chunk.model !== '') this.#model = chunk.model;
    if (chunk.usage !== undefined && chunk.usage !== null) this.#usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      if (!isRecord(choice) || typeof choice.index !== 'number' || !Number.isInteger(choice.index)) {
        this.#unreadable += 1;
        continue;
      }
      this.#addChoice(choice.index, choice);
    }
  }

  #addChoice(index: number, choice: Record<string, unknown>): void {
    let state = this.#choices.get(index);
    if (state === undefined) {
      state = {
        text: [],
        refusal: [],
        sawContent: false,
        finishReason: null,
        logprobs: undefined,
        logprobsBroken: false,
      };
      this.#choices.set(index, state);
    }
    const delta = choice.delta;
    if (isRecord(delta)) {
      if (typeof delta.content === 'string') {
        state.text.push(delta.content);
        state.sawContent = true;
      }
      if (typeof delta.refusal === 'string') state.refusal.push(delta.refusal);
    }
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) state.finishReason = choice.finish_reason;
    if (isRecord(choice.logprobs) && choice.logprobs.content !== undefined && choice.logprobs.content !== null) {
      const tokens = mapTokenLogprobs(choice.logprobs.content);
      if (tokens === undefined) state.logprobsBroken = true;
      else state.logprobs = state.logprobs === undefined ? tokens : state.logprobs.concat(tokens);
    }
  }

  finish(messages: readonly Message[], missingUsage: MissingUsage): Generation {
    const context = this.#context;
    if (this.#chunks === 0)
      throw malformed(
        context,
        `a stream that ended before its first chunk (content-type ${this.contentType ?? 'none'})`,
        {
          retryable: true,
        },
      );
    if (this.#choices.size === 0) {
      const why = this.#unreadable > 0 ? `${this.#unreadable} unreadable chunk(s) and no choices` : 'no choices';
      throw malformed(context, `a stream with ${why}`, { retryable: true });
    }
    const indices = [...this.#choices.keys()].sort((a, b) => a - b);
    const candidates: Candidate[] = [];
    for (const index of indices) {
      const state = this.#choices.get(index) as ChoiceState;
      if (state.finishReason === null) {
        throw malformed(
          context,
          `a stream that ended before choice ${index} finished (no finish_reason): the stream was cut`,
          {
            retryable: true,
          },
        );
      }
      const finishReason = mapFinishReason(state.finishReason);
      const refusal = state.refusal.length > 0 ? state.refusal.join('') : undefined;
      if (
        !state.sawContent &&
        refusal === undefined &&
        finishReason !== 'length' &&
        finishReason !== 'content_filter'
      ) {
        throw malformed(context, `choice ${index} with no content and no refusal in the stream`, { retryable: false });
      }
      const logprobs = state.logprobsBroken ? undefined : state.logprobs;
      candidates.push({
        text: state.text.join(''),
        finishReason,
        ...(logprobs === undefined ? {} : { logprobs }),
        ...(refusal === undefined ? {} : { refusal }),
      });
    }
    const usage = mapUsage({ usage: this.#usage, candidates, messages, missingUsage, context });
    return { candidates, usage, model: this.#model ?? context.model };
  }
}
