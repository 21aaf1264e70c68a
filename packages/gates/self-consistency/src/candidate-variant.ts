import type { Candidate } from '@llm-cascade/core';
import type { AnswerExtractor } from './extractor.ts';

/** What the mixed-representation provider records about each candidate it returns. */
export interface VariantTag {
  readonly name: string;
  readonly extract: AnswerExtractor | undefined;
}

// Candidate has no field for its origin, and the engine hands the provider's candidate objects to the
// gates by identity. A WeakMap keyed by those objects tags them without changing their shape (nothing
// leaks into reports or serialised results) and without keeping them alive. A copy of a candidate (a
// serialised and reloaded result) loses its tag; the gate then uses its own extractor.
const tags = new WeakMap<Candidate, VariantTag>();

export function tagCandidate(candidate: Candidate, tag: VariantTag): void {
  tags.set(candidate, tag);
}

export function variantTagOf(candidate: Candidate): VariantTag | undefined {
  return tags.get(candidate);
}

/**
 * The name of the prompt variant (representation) that produced a candidate, when it came from a
 * `mixedRepresentationProvider`; otherwise undefined. Use it in reports to see which representation
 * voted for what.
 */
export function candidateVariant(candidate: Candidate): string | undefined {
  return tags.get(candidate)?.name;
}
