import type { TokenLogprob } from '@llm-cascade/core';
import { scanJsonValues, type TextRange } from './json-values.ts';

/** Which tokens a confidence measure looks at. */
export type LogprobSpan =
  | 'all'
  | 'json-values'
  | { readonly type: 'all' }
  /** Tokens inside JSON string, number and literal values; keys, quotes and punctuation are left out. */
  | { readonly type: 'json-values' }
  /** Tokens after a marker such as `Answer:` (leading whitespace skipped). */
  | { readonly type: 'after-marker'; readonly marker: string | RegExp; readonly occurrence?: 'first' | 'last' }
  /** The last `count` tokens. */
  | { readonly type: 'last-tokens'; readonly count: number };

/**
 * The text the tokens spell, which is what token offsets refer to. It can differ from `candidate.text`
 * (a provider may trim, or send byte tokens for split characters), so spans are located in this text.
 */
export function tokenText(tokens: readonly TokenLogprob[]): string {
  let text = '';
  for (const token of tokens) text += token.token;
  return text;
}

/** Tokens that overlap any of the (sorted, non-overlapping) character ranges of `tokenText(tokens)`. */
export function selectTokensInRanges(tokens: readonly TokenLogprob[], ranges: readonly TextRange[]): TokenLogprob[] {
  const flat: number[] = [];
  for (const range of ranges) flat.push(range.start, range.end);
  return selectInFlatRanges(tokens, flat);
}

function selectInFlatRanges(tokens: readonly TokenLogprob[], flat: readonly number[]): TokenLogprob[] {
  const selected: TokenLogprob[] = [];
  let k = 0;
  let offset = 0;
  for (const token of tokens) {
    if (k >= flat.length) break;
    const start = offset;
    const end = offset + token.token.length;
    offset = end;
    while (k < flat.length && (flat[k + 1] as number) <= start) k += 2;
    // A token that straddles a value's edge (`"Par`, `is",`) holds part of the value, so it counts.
    if (k < flat.length && (flat[k] as number) < end) selected.push(token);
  }
  return selected;
}

/**
 * Tokens that fall inside the JSON values of the answer (string contents, numbers, true/false/null), not
 * keys or punctuation: the model's uncertainty about a key name or a brace says little about the data.
 * Tokens split mid-value are matched by character offsets over the concatenated token texts.
 */
export function selectJsonValueTokens(tokens: readonly TokenLogprob[]): TokenLogprob[] {
  const flat: number[] = [];
  scanJsonValues(tokenText(tokens), flat);
  return selectInFlatRanges(tokens, flat);
}

export interface AfterMarkerOptions {
  /** A literal string, or a regular expression (its flags are kept; `g` is added for `last`). */
  readonly marker: string | RegExp;
  /** Which occurrence of the marker to use. Default `last`: a chain of thought may say "Answer:" early. */
  readonly occurrence?: 'first' | 'last';
}

function markerEnd(text: string, options: AfterMarkerOptions): number {
  const { marker } = options;
  const last = (options.occurrence ?? 'last') === 'last';
  if (typeof marker === 'string') {
    if (marker.length === 0) return -1;
    const at = last ? text.lastIndexOf(marker) : text.indexOf(marker);
    return at === -1 ? -1 : at + marker.length;
  }
  // A copy: the caller's RegExp keeps its own lastIndex.
  const flags = marker.flags.includes('g') ? marker.flags : `${marker.flags}g`;
  const pattern = new RegExp(marker.source, flags);
  let end = -1;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    end = match.index + match[0].length;
    if (!last) break;
    if (match[0].length === 0) pattern.lastIndex += 1;
  }
  return end;
}

/**
 * Tokens of the text after a marker (e.g. `Answer:` or /final answer\s*[:=]/i), leading whitespace
 * skipped; a token that straddles the marker's end counts. Empty when the marker is absent, which the gate
 * reports as `empty-span`. Warning: a user-supplied RegExp runs on model output; avoid patterns with
 * catastrophic backtracking.
 */
export function selectAfterMarker(tokens: readonly TokenLogprob[], options: AfterMarkerOptions): TokenLogprob[] {
  const text = tokenText(tokens);
  let from = markerEnd(text, options);
  if (from === -1) return [];
  while (from < text.length && /\s/.test(text[from] as string)) from += 1;
  if (from >= text.length) return [];
  return selectTokensInRanges(tokens, [{ start: from, end: text.length }]);
}

export interface LastTokensOptions {
  /** How many tokens from the end, a positive integer. */
  readonly count: number;
}

/** The last `count` tokens (all of them when there are fewer). */
export function selectLastTokens(tokens: readonly TokenLogprob[], options: LastTokensOptions): readonly TokenLogprob[] {
  const { count } = options;
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`count must be a positive integer, got ${count}`);
  return tokens.length <= count ? tokens : tokens.slice(tokens.length - count);
}

/** Applies a span selector. */
export function selectSpan(tokens: readonly TokenLogprob[], span: LogprobSpan): readonly TokenLogprob[] {
  if (span === 'all') return tokens;
  if (span === 'json-values') return selectJsonValueTokens(tokens);
  switch (span.type) {
    case 'all':
      return tokens;
    case 'json-values':
      return selectJsonValueTokens(tokens);
    case 'after-marker':
      return selectAfterMarker(tokens, span);
    case 'last-tokens':
      return selectLastTokens(tokens, span);
  }
}
