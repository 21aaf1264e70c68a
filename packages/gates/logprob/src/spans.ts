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
  return textFrom(tokens, 0);
}

function textFrom(tokens: readonly TokenLogprob[], first: number): string {
  let text = '';
  for (let t = first; t < tokens.length; t += 1) text += (tokens[t] as TokenLogprob).token;
  return text;
}

/**
 * Tokens that overlap any of the (sorted, non-overlapping) character ranges of `tokenText(tokens)`, for
 * spans of your own (e.g. from `jsonValueRanges`). A token that straddles a range's edge counts.
 */
export function selectTokensInRanges(tokens: readonly TokenLogprob[], ranges: readonly TextRange[]): TokenLogprob[] {
  const selected: TokenLogprob[] = [];
  let k = 0;
  let offset = 0;
  for (const token of tokens) {
    const start = offset;
    const end = offset + token.token.length;
    offset = end;
    while (k < ranges.length && (ranges[k] as TextRange).end <= start) k += 1;
    const range = ranges[k];
    if (range === undefined) break;
    if (range.start < end) selected.push(token);
  }
  return selected;
}

/**
 * Tokens that fall inside the JSON values of the answer (string contents, numbers, true/false/null), not
 * keys or punctuation: the model's uncertainty about a key name or a brace says little about the data.
 * Tokens split mid-value are followed across token boundaries in one pass, without concatenating them.
 */
export function selectJsonValueTokens(tokens: readonly TokenLogprob[]): TokenLogprob[] {
  const selected: TokenLogprob[] = [];
  let last = -1;
  scanJsonValues(tokens, (startChunk, _startChar, endChunk) => {
    // Values arrive in order; a token holding the end of one value and the start of the next counts once.
    for (let t = Math.max(startChunk, last + 1); t <= endChunk; t += 1) selected.push(tokens[t] as TokenLogprob);
    if (endChunk > last) last = endChunk;
  });
  return selected;
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
export function selectAfterMarker(
  tokens: readonly TokenLogprob[],
  options: AfterMarkerOptions,
): readonly TokenLogprob[] {
  const { marker } = options;
  let first = 0;
  let text: string;
  let end: number;
  if (typeof marker === 'string' && (options.occurrence ?? 'last') === 'last' && marker.length > 0) {
    // Search growing suffixes: the marker is usually near the end, and an occurrence found inside a suffix
    // is the last one of the whole text (a later one would lie inside the suffix too).
    for (let count = 16; ; count *= 4) {
      first = Math.max(0, tokens.length - count);
      text = textFrom(tokens, first);
      const at = text.lastIndexOf(marker);
      if (at !== -1) {
        end = at + marker.length;
        break;
      }
      if (first === 0) return [];
    }
  } else {
    text = tokenText(tokens);
    end = markerEnd(text, options);
    if (end === -1) return [];
  }
  while (end < text.length && /\s/.test(text[end] as string)) end += 1;
  if (end >= text.length) return [];
  let offset = 0;
  for (let t = first; t < tokens.length; t += 1) {
    offset += (tokens[t] as TokenLogprob).token.length;
    if (offset > end) return tokens.slice(t);
  }
  return [];
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
