import {
  type Candidate,
  estimateInputTokens,
  type Generation,
  type Message,
  ProviderError,
  type TokenLogprob,
  type Usage,
} from '@llm-cascade/core';
import { validateRecording } from './parse-recording.ts';
import { loadRecordings } from './read-recordings.ts';
import type { RecordedCandidate, RecordedRequest, RecordedTier } from './recording.ts';
import { hashMessages, requestMessages } from './request-hash.ts';

/** What replay does when more candidates are asked for than the recording holds. */
export type WhenCandidatesExhausted = 'error' | 'cycle';
/** What a repair (a follow-up turn of a recorded conversation that was not itself recorded) gets. */
export type RepairReplay = 'not-found' | 'next-candidates';

/**
 * How a request was matched to a recording (the replay server reports it in the `x-cascade-match` header):
 * by `id`, by the messages `hash`, or as a repair of a conversation found by hash (`repair-hash`).
 */
export type MatchKind = 'id' | 'hash' | 'repair-hash';

/** One conversation's recording: every line with the same id and the same messages, merged. */
interface Entry {
  readonly id: string;
  readonly hash: string;
  /** `data.jsonl line 3` or `records[2]`, for messages that help users find the line. */
  readonly origin: string;
  readonly messages: readonly Message[];
  readonly assistantTurns: number;
  readonly tiers: Map<string, RecordedTier>;
}

export interface ReplayMatch {
  readonly entry: Entry;
  readonly via: MatchKind;
  /** How many follow-up turns (repairs) the request has beyond the recorded conversation. */
  readonly followUps: number;
  /** The messages the request has beyond the recorded conversation (billed as extra input). */
  readonly extraMessages: readonly Message[];
}

export interface ServeRequest {
  /** Candidate request ids, tried in order. */
  readonly ids: readonly string[];
  readonly messages: readonly Message[];
  readonly model: string;
  readonly samples: number;
  readonly logprobs: boolean;
  readonly topLogprobs?: number;
}

export interface Served {
  readonly generation: Generation;
  readonly match: ReplayMatch;
  /** The recorded call's latency, when the recording has one. */
  readonly recordedLatencyMs: number | undefined;
}

export interface ReplayStoreOptions {
  readonly records: readonly { readonly record: RecordedRequest; readonly origin: string }[];
  readonly providerId: string;
  readonly whenExhausted: WhenCandidatesExhausted;
  readonly repairs: RepairReplay;
}

export interface ReplayStore {
  readonly models: readonly string[];
  readonly hasLogprobs: boolean;
  /** Distinct conversations after merging lines with the same id and messages. */
  readonly size: number;
  find(ids: readonly string[], messages: readonly Message[]): ReplayMatch | undefined;
  /** Serves a generation or throws a non-retryable `ProviderError` of kind `not-found`. */
  serve(request: ServeRequest): Served;
}

/** Loads records from an array (validated) or a JSONL file, with an origin for each. */
export function sourceRecords(options: {
  readonly records?: readonly RecordedRequest[];
  readonly path?: string;
  readonly maxLineBytes?: number;
}): { record: RecordedRequest; origin: string }[] {
  if (options.path !== undefined) {
    const path = options.path;
    const lineOptions = options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes };
    return loadRecordings(path, lineOptions).map(({ record, line }) => ({ record, origin: `${path} line ${line}` }));
  }
  return (options.records ?? []).map((record, index) => ({
    record: validateRecording(record, { source: 'records', line: index }),
    origin: `records[${index}]`,
  }));
}

function assistantTurns(messages: readonly Message[]): number {
  let turns = 0;
  for (const message of messages) if (message.role === 'assistant') turns += 1;
  return turns;
}

function mergeTier(a: RecordedTier, b: RecordedTier): RecordedTier {
  const cached = (a.usage.cachedInputTokens ?? 0) + (b.usage.cachedInputTokens ?? 0);
  const written = (a.usage.cacheWriteInputTokens ?? 0) + (b.usage.cacheWriteInputTokens ?? 0);
  const latency = Math.max(a.latencyMs ?? -1, b.latencyMs ?? -1);
  return {
    candidates: [...a.candidates, ...b.candidates],
    usage: {
      inputTokens: a.usage.inputTokens + b.usage.inputTokens,
      outputTokens: a.usage.outputTokens + b.usage.outputTokens,
      ...(cached > 0 ? { cachedInputTokens: cached } : {}),
      ...(written > 0 ? { cacheWriteInputTokens: written } : {}),
    },
    ...(latency >= 0 ? { latencyMs: latency } : {}),
  };
}

function withTopLogprobs(logprobs: readonly TokenLogprob[], top: number | undefined): readonly TokenLogprob[] {
  if (top === undefined) return logprobs;
  return logprobs.map((entry) => {
    const { topLogprobs, ...rest } = entry;
    const kept = topLogprobs?.slice(0, top);
    return kept === undefined || kept.length === 0 ? rest : { ...rest, topLogprobs: kept };
  });
}

function toCandidate(recorded: RecordedCandidate, request: ServeRequest): Candidate {
  const logprobs =
    request.logprobs && recorded.logprobs !== undefined
      ? withTopLogprobs(recorded.logprobs, request.topLogprobs)
      : undefined;
  return {
    text: recorded.text,
    finishReason: recorded.finishReason ?? 'stop',
    ...(logprobs === undefined ? {} : { logprobs }),
    ...(recorded.refusal === undefined ? {} : { refusal: recorded.refusal }),
  };
}

/**
 * Usage for the candidates served. Input tokens are billed once per call, as with `n`, so they are the
 * recorded input (plus an estimate for a repair's extra messages). Output tokens are the recorded output
 * scaled by the served candidates' share of the recorded text (characters), so serving all candidates
 * gives exactly the recorded usage; a served non-empty answer is never billed 0 output tokens.
 */
function servedUsage(tier: RecordedTier, indices: readonly number[], extraMessages: readonly Message[]): Usage {
  const recorded = tier.usage;
  const all = tier.candidates;
  const exact = indices.length === all.length && indices.every((index, i) => index === i);
  let outputTokens = recorded.outputTokens;
  if (!exact) {
    const weight = (candidate: RecordedCandidate | undefined) =>
      (candidate?.text.length ?? 0) + (candidate?.refusal?.length ?? 0);
    const total = all.reduce((sum, candidate) => sum + weight(candidate), 0);
    const share =
      total === 0 ? indices.length / all.length : indices.reduce((sum, index) => sum + weight(all[index]), 0) / total;
    outputTokens = Math.round(recorded.outputTokens * share);
    const anyText = indices.some((index) => weight(all[index]) > 0);
    if (outputTokens === 0 && anyText && recorded.outputTokens > 0) outputTokens = 1;
  }
  const extra = extraMessages.length === 0 ? 0 : estimateInputTokens(extraMessages);
  return {
    inputTokens: recorded.inputTokens + extra,
    outputTokens,
    ...(recorded.cachedInputTokens === undefined ? {} : { cachedInputTokens: recorded.cachedInputTokens }),
    ...(recorded.cacheWriteInputTokens === undefined ? {} : { cacheWriteInputTokens: recorded.cacheWriteInputTokens }),
  };
}

function quote(values: readonly string[]): string {
  const shown = values.slice(0, 8).map((value) => `'${value}'`);
  return values.length > 8 ? `${shown.join(', ')} and ${values.length - 8} more` : shown.join(', ');
}

/** The index behind the replay provider and server: matching and serving, shared so both behave alike. */
export function createReplayStore(options: ReplayStoreOptions): ReplayStore {
  const byKey = new Map<string, Entry>();
  const byId = new Map<string, Entry[]>();
  const byHash = new Map<string, Entry>();
  const models = new Set<string>();
  let hasLogprobs = false;

  for (const { record, origin } of options.records) {
    const messages = requestMessages(record.request);
    const hash = hashMessages(messages);
    const key = `${record.id}\u0000${hash}`;
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = { id: record.id, hash, origin, messages, assistantTurns: assistantTurns(messages), tiers: new Map() };
      byKey.set(key, entry);
      const group = byId.get(record.id);
      if (group === undefined) byId.set(record.id, [entry]);
      else group.push(entry);
      if (!byHash.has(hash)) byHash.set(hash, entry);
    }
    for (const [model, tier] of Object.entries(record.tiers)) {
      models.add(model);
      const previous = entry.tiers.get(model);
      entry.tiers.set(model, previous === undefined ? tier : mergeTier(previous, tier));
      if (!hasLogprobs && tier.candidates.some((candidate) => candidate.logprobs !== undefined)) hasLogprobs = true;
    }
  }

  function find(ids: readonly string[], messages: readonly Message[]): ReplayMatch | undefined {
    // Hashing costs microseconds; an id with one conversation recorded needs none.
    let hash: string | undefined;
    const hashed = () => {
      hash ??= hashMessages(messages);
      return hash;
    };
    for (const id of ids) {
      const group = byId.get(id);
      if (group === undefined) continue;
      const exact = group.length === 1 ? undefined : group.find((entry) => entry.hash === hashed());
      if (exact !== undefined) return { entry: exact, via: 'id', followUps: 0, extraMessages: [] };
      // The id is authoritative: a request may be templated differently from its recording. More assistant
      // turns than recorded means a repair of the first conversation recorded under this id.
      const base = group[0] as Entry;
      const followUps = Math.max(0, assistantTurns(messages) - base.assistantTurns);
      const extraMessages = followUps > 0 ? messages.slice(base.messages.length) : [];
      return { entry: base, via: 'id', followUps, extraMessages };
    }
    const exact = byHash.get(hashed());
    if (exact !== undefined) return { entry: exact, via: 'hash', followUps: 0, extraMessages: [] };
    // A repair appends (assistant answer, user feedback) pairs: peel them off to find the original.
    let end = messages.length;
    let followUps = 0;
    while (end >= 3 && messages[end - 1]?.role === 'user' && messages[end - 2]?.role === 'assistant') {
      end -= 2;
      followUps += 1;
      const entry = byHash.get(hashMessages(messages.slice(0, end)));
      if (entry !== undefined) return { entry, via: 'repair-hash', followUps, extraMessages: messages.slice(end) };
    }
    return undefined;
  }

  function notFound(message: string, model: string): ProviderError {
    return new ProviderError(message, {
      kind: 'not-found',
      retryable: false,
      status: 404,
      providerId: options.providerId,
      model,
    });
  }

  function serve(request: ServeRequest): Served {
    const { model, samples } = request;
    const match = find(request.ids, request.messages);
    if (match === undefined) {
      const named = request.ids.length === 0 ? 'request (no id)' : `request ${quote(request.ids)}`;
      throw notFound(
        `no recording for ${named} with messages hash ${hashMessages(request.messages)} (model '${model}'); ${byKey.size} recorded conversation(s) loaded`,
        model,
      );
    }
    const { entry } = match;
    const recorded = `recording '${entry.id}' (${entry.origin})`;
    const tier = entry.tiers.get(model);
    if (tier === undefined) {
      throw notFound(
        `${recorded} has no generation for model '${model}'; it has ${quote([...entry.tiers.keys()])}`,
        model,
      );
    }
    if (match.followUps > 0 && options.repairs === 'not-found') {
      throw notFound(
        `the request is a repair (${match.followUps} follow-up turn(s)) of ${recorded}, and no recording of that conversation exists for model '${model}'; build the replay with repairs: 'next-candidates' to serve the recording's next candidates instead`,
        model,
      );
    }
    const count = tier.candidates.length;
    const offset = match.followUps * samples;
    if (offset + samples > count && options.whenExhausted === 'error') {
      const asked = match.followUps > 0 ? `${samples} more after ${offset} (repair ${match.followUps})` : `${samples}`;
      throw notFound(
        `${recorded} has ${count} candidate(s) for model '${model}', but ${asked} were asked for; record more samples or build the replay with whenExhausted: 'cycle'`,
        model,
      );
    }
    const indices = Array.from({ length: samples }, (_, i) => (offset + i) % count);
    const candidates = indices.map((index) => toCandidate(tier.candidates[index] as RecordedCandidate, request));
    return {
      generation: { candidates, usage: servedUsage(tier, indices, match.extraMessages), model },
      match,
      recordedLatencyMs: tier.latencyMs,
    };
  }

  return {
    models: [...models],
    hasLogprobs,
    size: byKey.size,
    find,
    serve,
  };
}
