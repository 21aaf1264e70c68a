import { ConfigError } from '@llm-cascade/core';
import { canonicalJson, lastNumber, normalizedText, stableStringify } from '@llm-cascade/gate-self-consistency';

/**
 * How an answer is judged.
 * - `exact`: the chosen candidate's text, trimmed, equals the reference (a string, number or boolean; an
 *   array means any of its items; an object is compared as JSON with sorted keys against the JSON in the text).
 * - `normalized`: as `exact` after Unicode NFC, case-folding, whitespace collapsing, and dropping a trailing
 *   period and surrounding quotes (the self-consistency gate's `normalizedText` plus those two).
 * - `numeric`: the last number in the text (the self-consistency gate's `lastNumber`) is within a relative
 *   tolerance of the reference number.
 * - `label`: the recording's own `correct` on the chosen candidate (an LLM judge's or a validator's verdict).
 * - `auto` (default): `label` where the chosen candidate carries one, else `normalized` against the reference.
 */
export type ScoringMode = 'auto' | 'exact' | 'normalized' | 'numeric' | 'label';

export const SCORING_MODES: readonly ScoringMode[] = ['auto', 'exact', 'normalized', 'numeric', 'label'];

/** What is known about one request's outcome. */
export interface ScoreInput {
  /** The chosen candidate's text; undefined when the cascade returned no answer at all. */
  readonly text: string | undefined;
  /** The recording's `correct` on the chosen candidate, when it has one. */
  readonly label: boolean | undefined;
  /** The record's reference; undefined or null when it has none. */
  readonly reference: unknown;
  /** The record can be scored at all: it has a reference, or some recorded candidate carries a label. */
  readonly scorable: boolean;
}

/** A verdict, or `scored: false` when nothing to judge against (no reference, no label). */
export type Score = { readonly scored: true; readonly correct: boolean } | { readonly scored: false };

export interface ScoringOptions {
  readonly mode: ScoringMode;
  /** `numeric`: |answer - reference| <= tolerance x max(1, |reference|). Default 1e-6. */
  readonly tolerance?: number;
}

const UNSCORED: Score = { scored: false };
const RIGHT: Score = { scored: true, correct: true };
const WRONG: Score = { scored: true, correct: false };

const normalize = normalizedText();
const toNumber = lastNumber();
const toJson = canonicalJson();

function normalized(text: string): string {
  let key = normalize(text)?.key ?? '';
  key = key.replace(/\.$/, '').trim();
  const quoted = /^(["'`])(.*)\1$/s.exec(key);
  return quoted === null ? key : (quoted[2] as string).trim();
}

function primitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return toNumber(value)?.value;
  return undefined;
}

function compareOne(mode: Exclude<ScoringMode, 'auto' | 'label'>, text: string, reference: unknown, tolerance: number) {
  if (mode === 'numeric') {
    const expected = numberOf(reference);
    const got = toNumber(text)?.value;
    if (expected === undefined || got === undefined) return false;
    return Math.abs(got - expected) <= tolerance * Math.max(1, Math.abs(expected));
  }
  if (!primitive(reference)) {
    const expected = stableStringify(reference);
    return expected !== undefined && toJson(text)?.key === expected;
  }
  if (mode === 'exact') return text.trim() === String(reference).trim();
  return normalized(text) === normalized(String(reference));
}

/** A scoring function for one mode; options are checked here, once. */
export function createScorer(options: ScoringOptions): (input: ScoreInput) => Score {
  const { mode } = options;
  if (!SCORING_MODES.includes(mode)) {
    throw new ConfigError('scoring', `must be one of ${SCORING_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  const tolerance = options.tolerance ?? 1e-6;
  if (!(typeof tolerance === 'number' && tolerance >= 0 && Number.isFinite(tolerance))) {
    throw new ConfigError('scoring.tolerance', `must be a finite number at least 0, got ${String(tolerance)}`);
  }
  return (input) => {
    if (!input.scorable) return UNSCORED;
    // A scorable request the cascade gave no answer to is wrong, whatever the mode.
    if (input.text === undefined) return WRONG;
    const text = input.text;
    const hasReference = input.reference !== undefined && input.reference !== null;
    if (mode === 'label' || (mode === 'auto' && input.label !== undefined)) {
      if (input.label === undefined) return UNSCORED;
      return input.label ? RIGHT : WRONG;
    }
    if (!hasReference) return UNSCORED;
    const compareMode = mode === 'auto' ? 'normalized' : mode;
    const references = Array.isArray(input.reference) ? input.reference : [input.reference];
    return references.some((reference) => compareOne(compareMode, text, reference, tolerance)) ? RIGHT : WRONG;
  };
}
