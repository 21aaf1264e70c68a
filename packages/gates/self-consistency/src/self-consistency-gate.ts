import { type Candidate, ConfigError, DEFAULT_REFUSAL_PHRASES, type Gate, type GateResult } from '@llm-cascade/core';
import type { AnswerExtractor } from './extractor.ts';
import { normalizedText } from './normalized-text.ts';
import { type ExtractionMemo, extractOne, type Tally, type TallySettings, tallyVotes } from './tally-votes.ts';

/** What happens when two answers share the most votes. */
export type TieRule = 'fail' | 'first-seen';

/** Options of `selfConsistencyGate`; every one is checked when the gate is built. */
export interface SelfConsistencyGateOptions<TValue = string> {
  /** Gate name in reports and traces. Default `self-consistency`. */
  readonly name?: string;
  /** Samples the tier is asked for (k). Default 5; at least 2. */
  readonly samples?: number;
  /** Share of the samples the largest cluster must hold, from 0 to 1. Default 0.6 (3 of 5). */
  readonly threshold?: number;
  /** Votes the largest cluster must hold whatever the threshold. Default 2; at most `samples`. */
  readonly minVotes?: number;
  /** Reads each sample's answer. Default `normalizedText()`. A mixed-representation variant's own extractor wins. */
  readonly extract?: AnswerExtractor<TValue>;
  /**
   * Treats different keys as the same answer (a numeric tolerance, synonyms). Optional; equal keys always
   * agree. Clustering is greedy against each cluster's first member: O(d^2) calls for d distinct keys.
   */
  readonly equivalent?: (a: TValue, b: TValue) => boolean;
  /**
   * Two answers with the most votes: `fail` (default) escalates, since the samples do not settle the
   * answer; `first-seen` passes the answer whose first sample came earliest, as the MoT-cascade paper's
   * `Counter.most_common` does. A tie can only reach the threshold when the threshold is 0.5 or less.
   */
  readonly ties?: TieRule;
  /**
   * Openings that mark a sample as a refusal, which never votes. Default: core's `DEFAULT_REFUSAL_PHRASES`;
   * `[]` turns the check off (the provider's refusal field and finish reason still count).
   */
  readonly refusalPhrases?: readonly string[];
  /**
   * Samples longer than this many UTF-8 bytes are not read and do not vote (they count as disagreeing),
   * so a runaway sample costs no extraction time; a vote with no answer because of them fails `too-large`.
   * Default `DEFAULT_MAX_SAMPLE_BYTES` (128 KiB).
   */
  readonly maxBytes?: number;
}

/** The self-consistency gate: a core Gate that also decides when sequential sampling may stop. */
export interface SelfConsistencyGate<TValue = string> extends Gate<TValue> {
  readonly requires: { readonly samples: number };
  enoughSamples(candidates: readonly Candidate[], target: number): boolean;
}

const ANSWER_DETAIL_LIMIT = 120;

/**
 * Default cap on one sample: 128 KiB of UTF-8 (about 32,000 tokens), far above a chain of thought or a code
 * answer, and small enough that reading one hostile sample stays well under the 50 ms budget.
 */
export const DEFAULT_MAX_SAMPLE_BYTES = 131_072;

// A vote over more text than this is read in slices of about this many characters, with a turn of the
// event loop between them, so many large samples cannot add up to one long block; smaller votes stay
// synchronous (the common case costs no promise).
const SLICE_CHARACTERS = 65_536;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Smallest vote count v with v / denominator >= threshold, computed in the same float arithmetic as the check. */
export function votesNeeded(threshold: number, denominator: number, minVotes: number): number {
  let votes = Math.max(0, Math.ceil(threshold * denominator));
  while (votes > 0 && (votes - 1) / denominator >= threshold) votes -= 1;
  while (votes <= denominator && votes / denominator < threshold) votes += 1;
  return Math.max(votes, minVotes);
}

/**
 * A gate that trusts a tier only when its samples agree (self-consistency, Wang et al. 2023). It asks the
 * tier for k samples, extracts each sample's answer, clusters equal answers and passes when the largest
 * cluster holds at least `threshold` of the samples and at least `minVotes` votes. On a pass, `value` is the
 * voted answer (the extractor's value), `score` the agreement and `candidateIndex` the first sample of the
 * winning cluster, so the result's text is a sample that gave the voted answer.
 *
 * Agreement = votes of the largest cluster / max(k, samples drawn). Samples that hold no answer (empty,
 * refused, cut off at the length limit, filtered, unextractable) count in the denominator as disagreeing
 * and never vote, so three refusals out of five cannot win. Samples never drawn (settled early by
 * sequential sampling, or lost to a failed call) also count as disagreeing: the score is then a lower bound.
 *
 * A failed vote gives no feedback, so it escalates rather than repairs: asking the same tier again rarely
 * makes its samples agree. Warning: agreement measures consistency, not correctness; a tier that is
 * consistently wrong passes. Choose the extractor to match what the prompt asks for.
 */
export function selfConsistencyGate<TValue = string>(
  options: SelfConsistencyGateOptions<TValue> = {},
): SelfConsistencyGate<TValue> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const name = options.name ?? 'self-consistency';
  if (typeof name !== 'string' || name.length === 0) throw new ConfigError('name', 'must be a non-empty string');
  const samples = options.samples ?? 5;
  if (!(Number.isInteger(samples) && samples >= 2)) {
    throw new ConfigError('samples', `must be a whole number at least 2, got ${String(samples)}`);
  }
  const threshold = options.threshold ?? 0.6;
  if (!(typeof threshold === 'number' && threshold >= 0 && threshold <= 1)) {
    throw new ConfigError('threshold', `must be a number from 0 to 1, got ${String(threshold)}`);
  }
  const minVotes = options.minVotes ?? Math.min(2, samples);
  if (!(Number.isInteger(minVotes) && minVotes >= 1 && minVotes <= samples)) {
    throw new ConfigError('minVotes', `must be a whole number from 1 to samples (${samples}), got ${String(minVotes)}`);
  }
  if (options.extract !== undefined && typeof options.extract !== 'function') {
    throw new ConfigError('extract', 'must be a function');
  }
  if (options.equivalent !== undefined && typeof options.equivalent !== 'function') {
    throw new ConfigError('equivalent', 'must be a function');
  }
  const ties = options.ties ?? 'fail';
  if (ties !== 'fail' && ties !== 'first-seen') {
    throw new ConfigError('ties', `must be 'fail' or 'first-seen', got ${String(ties)}`);
  }
  const phrases = options.refusalPhrases ?? DEFAULT_REFUSAL_PHRASES;
  if (!Array.isArray(phrases) || phrases.some((p: unknown) => typeof p !== 'string' || p.trim().length === 0)) {
    throw new ConfigError('refusalPhrases', 'must be an array of non-empty strings');
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SAMPLE_BYTES;
  if (!(Number.isInteger(maxBytes) && maxBytes >= 1)) {
    throw new ConfigError('maxBytes', `must be a whole number at least 1, got ${String(maxBytes)}`);
  }
  const refusalPhrases = phrases.map((p) =>
    p
      .trim()
      .replace(/[\u2018\u2019]/g, "'")
      .replace(/\s+/g, ' ')
      .toLowerCase(),
  );
  const settings: TallySettings<TValue> = {
    extract: options.extract ?? (normalizedText() as unknown as AnswerExtractor<TValue>),
    equivalent: options.equivalent,
    refusalPhrases,
    refusalHeads: new Set(refusalPhrases.map((p) => p.charAt(0))),
    maxBytes,
  };

  // Sequential sampling tallies the drawn samples after every draw; each is extracted once.
  const memo: ExtractionMemo = new WeakMap();

  function verdict(tally: Tally<TValue>, drawn: number): GateResult<TValue> {
    const denominator = Math.max(samples, drawn);
    const needed = votesNeeded(threshold, denominator, minVotes);
    const leader = tally.leader;
    const votes = leader?.votes ?? 0;
    const agreement = votes / denominator;
    const tie = leader !== undefined && tally.runnerUp === votes;
    const details = {
      votes,
      samples: denominator,
      drawn,
      clusters: tally.clusters.length,
      nonVotes: tally.nonVotes,
      runnerUp: tally.runnerUp,
      votesNeeded: needed,
      threshold,
      ...(tie ? { tie: true } : {}),
      ...(tally.extractorErrors > 0 ? { extractorErrors: tally.extractorErrors } : {}),
      ...(tally.tooLarge > 0 ? { tooLarge: tally.tooLarge, maxBytes } : {}),
      ...(leader === undefined ? {} : { answer: leader.key.slice(0, ANSWER_DETAIL_LIMIT) }),
    };
    if (leader === undefined) {
      return { status: 'fail', reason: tally.tooLarge > 0 ? 'too-large' : 'no-answers', score: 0, details };
    }
    if (votes < needed) {
      return {
        status: 'fail',
        reason: agreement >= threshold ? 'too-few-votes' : 'low-agreement',
        score: agreement,
        details,
      };
    }
    if (tie && ties === 'fail') return { status: 'fail', reason: 'tie', score: agreement, details };
    return {
      status: 'pass',
      reason: 'ok',
      score: agreement,
      value: leader.value,
      candidateIndex: leader.first,
      details,
    };
  }

  /** Characters the tally will read of a sample: none past the cap, which is checked on the length first. */
  function readableLength(candidate: Candidate): number {
    const text: unknown = candidate?.text;
    return typeof text === 'string' ? Math.min(text.length, maxBytes) : 0;
  }

  async function evaluateInSlices(candidates: readonly Candidate[]): Promise<GateResult<TValue>> {
    const extracted: ExtractionMemo = new WeakMap();
    let sinceYield = 0;
    for (const candidate of candidates) {
      const size = readableLength(candidate);
      if (sinceYield > 0 && sinceYield + size > SLICE_CHARACTERS) {
        await yieldToEventLoop();
        sinceYield = 0;
      }
      if (typeof candidate === 'object' && candidate !== null && !extracted.has(candidate)) {
        extracted.set(candidate, extractOne(candidate, settings));
      }
      sinceYield += size;
    }
    return verdict(tallyVotes(candidates, settings, extracted), candidates.length);
  }

  return {
    name,
    requires: { samples },
    evaluate(context) {
      const candidates = context.candidates;
      let characters = 0;
      for (const candidate of candidates) characters += readableLength(candidate);
      if (characters <= SLICE_CHARACTERS) return verdict(tallyVotes(candidates, settings), candidates.length);
      return evaluateInSlices(candidates);
    },
    enoughSamples(candidates, target) {
      const remaining = target - candidates.length;
      if (remaining <= 0) return true;
      const tally = tallyVotes(candidates, settings, memo);
      const needed = votesNeeded(threshold, Math.max(samples, target), minVotes);
      const leader = tally.leader;
      const lead = leader?.votes ?? 0;
      // Settled fail: even if every remaining sample joined the leader, it would fall short.
      if (lead + remaining < needed) return true;
      if (leader === undefined || lead < needed) return false;
      // Settled pass: no other cluster, nor a new one, can still overtake the leader or tie it when a tie
      // would change the verdict (a failing tie) or the answer (an earlier-seen challenger).
      const safe = (reach: number, first: number) =>
        reach < lead || (reach === lead && ties === 'first-seen' && first > leader.first);
      if (!safe(remaining, Number.POSITIVE_INFINITY)) return false;
      return tally.clusters.every((cluster) => cluster === leader || safe(cluster.votes + remaining, cluster.first));
    },
  };
}
