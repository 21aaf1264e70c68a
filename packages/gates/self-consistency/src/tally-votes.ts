import type { Candidate } from '@llm-cascade/core';
import { variantTagOf } from './candidate-variant.ts';
import type { AnswerExtractor, Extracted } from './extractor.ts';

/** Samples with the same answer. `first` is the index of its earliest sample, its representative. */
export interface Cluster<TValue> {
  readonly key: string;
  readonly value: TValue;
  readonly first: number;
  votes: number;
}

export interface Tally<TValue> {
  /** In order of first appearance. */
  readonly clusters: readonly Cluster<TValue>[];
  /** The largest cluster; on a tie, the one seen first. */
  readonly leader: Cluster<TValue> | undefined;
  /** Votes of the largest cluster other than the leader (equal to the leader's on a tie). */
  readonly runnerUp: number;
  /** Samples without an answer: empty, refused, cut off, filtered, unextractable. */
  readonly nonVotes: number;
  /** Samples whose extractor threw (also counted in `nonVotes`). */
  readonly extractorErrors: number;
  /** Samples over the size cap, never read (also counted in `nonVotes`). */
  readonly tooLarge: number;
}

export interface TallySettings<TValue> {
  readonly extract: AnswerExtractor<TValue>;
  readonly equivalent: ((a: TValue, b: TValue) => boolean) | undefined;
  /** Lower-cased refusal openings; a sample opening with one is a non-vote. */
  readonly refusalPhrases: readonly string[];
  /** First characters of `refusalPhrases`, a cheap pre-check. */
  readonly refusalHeads: ReadonlySet<string>;
  /** Samples longer than this many UTF-8 bytes are not read and do not vote. */
  readonly maxBytes: number;
}

const NOT_AN_ANSWER = null;
const HAS_TEXT = /\S/;

/** One sample's extraction: its answer, no answer, a throwing extractor, or a text over the size cap. */
export type Extraction<TValue = unknown> = Extracted<TValue> | null | 'error' | 'too-large';

/** Extractions kept between calls, for sequential sampling, which tallies the same candidates after each draw. */
export type ExtractionMemo = WeakMap<Candidate, Extraction>;

/** Whether a text is over `maxBytes` UTF-8 bytes; the exact count is only needed between length and 3 x length. */
export function isTooLarge(text: string, maxBytes: number): boolean {
  return text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes);
}

/** Why a sample cannot vote whatever its text says: the provider or the built-in gates marked it. */
function isSoftFailure(
  candidate: Candidate,
  refusalPhrases: readonly string[],
  refusalHeads: ReadonlySet<string>,
): boolean {
  if (candidate.refusal !== undefined) return true;
  const finish = candidate.finishReason;
  if (finish === 'refusal' || finish === 'content_filter' || finish === 'length') return true;
  if (refusalPhrases.length === 0) return false;
  // Most answers open with a character no refusal phrase opens with: skip the normalisation for them.
  const text = candidate.text;
  let start = 0;
  while (start < text.length && text.charCodeAt(start) <= 32) start += 1;
  if (!refusalHeads.has(text.charAt(start).toLowerCase())) return false;
  const opening = text
    .slice(start, start + 240)
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .toLowerCase();
  for (const phrase of refusalPhrases) if (opening.startsWith(phrase)) return true;
  return false;
}

/**
 * Reads one sample, never throwing: an extractor that throws (a stack overflow on a deep value included) or
 * returns something without a string key is a non-vote. The size cap comes first, so no extractor, nor the
 * checks before it, ever reads a sample over `maxBytes`.
 */
export function extractOne<TValue>(candidate: Candidate, settings: TallySettings<TValue>): Extraction<TValue> {
  if (typeof candidate?.text !== 'string') return NOT_AN_ANSWER;
  if (isTooLarge(candidate.text, settings.maxBytes)) return 'too-large';
  if (!HAS_TEXT.test(candidate.text)) return NOT_AN_ANSWER;
  if (isSoftFailure(candidate, settings.refusalPhrases, settings.refusalHeads)) return NOT_AN_ANSWER;
  const extract = (variantTagOf(candidate)?.extract as AnswerExtractor<TValue> | undefined) ?? settings.extract;
  try {
    const extracted = extract(candidate.text);
    // Returned as is: a copy here cost a quarter of a short-answer vote.
    if (extracted === undefined || extracted === null || typeof extracted.key !== 'string') return NOT_AN_ANSWER;
    return extracted;
  } catch {
    return 'error';
  }
}

/**
 * Extracts each sample's answer and groups equal answers. Samples with the same key always agree; with an
 * `equivalent` function, key groups are then merged greedily: each group, in order of first appearance,
 * joins the first earlier cluster whose representative value it is equivalent to. That costs at most
 * d(d-1)/2 calls for d distinct keys (190 for 20 samples that all differ), is deterministic, and never
 * chains answers through intermediates the way a transitive closure (union-find) would.
 */
export function tallyVotes<TValue>(
  candidates: readonly Candidate[],
  settings: TallySettings<TValue>,
  memo?: ExtractionMemo,
): Tally<TValue> {
  const byKey = new Map<string, Cluster<TValue>>();
  const clusters: Cluster<TValue>[] = [];
  let nonVotes = 0;
  let extractorErrors = 0;
  let tooLarge = 0;
  for (let index = 0; index < candidates.length; index += 1) {
    const candidate = candidates[index] as Candidate;
    let extracted = memo?.get(candidate) as Extraction<TValue> | undefined;
    if (extracted === undefined) {
      extracted = extractOne(candidate, settings);
      if (memo !== undefined && typeof candidate === 'object' && candidate !== null) memo.set(candidate, extracted);
    }
    if (extracted === null || extracted === 'error' || extracted === 'too-large') {
      nonVotes += 1;
      if (extracted === 'error') extractorErrors += 1;
      if (extracted === 'too-large') tooLarge += 1;
      continue;
    }
    const known = byKey.get(extracted.key);
    if (known !== undefined) {
      known.votes += 1;
      continue;
    }
    const cluster: Cluster<TValue> = { key: extracted.key, value: extracted.value, first: index, votes: 1 };
    byKey.set(extracted.key, cluster);
    clusters.push(cluster);
  }
  const merged = settings.equivalent === undefined ? clusters : mergeEquivalent(clusters, settings.equivalent);
  let leader: Cluster<TValue> | undefined;
  let runnerUp = 0;
  for (const cluster of merged) {
    if (leader === undefined || cluster.votes > leader.votes) {
      if (leader !== undefined) runnerUp = leader.votes;
      leader = cluster;
    } else if (cluster.votes > runnerUp) {
      runnerUp = cluster.votes;
    }
  }
  return { clusters: merged, leader, runnerUp, nonVotes, extractorErrors, tooLarge };
}

function mergeEquivalent<TValue>(
  groups: readonly Cluster<TValue>[],
  equivalent: (a: TValue, b: TValue) => boolean,
): Cluster<TValue>[] {
  const merged: Cluster<TValue>[] = [];
  for (const group of groups) {
    const home = merged.find((cluster) => {
      try {
        return equivalent(cluster.value, group.value) === true;
      } catch {
        // A throwing comparison says nothing about agreement: keep the answers apart.
        return false;
      }
    });
    if (home === undefined) merged.push({ ...group });
    else home.votes += group.votes;
  }
  return merged;
}
