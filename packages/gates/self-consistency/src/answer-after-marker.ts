import { ConfigError } from '@llm-cascade/core';
import type { AnswerExtractor, Extracted } from './extractor.ts';
import { normalizedText } from './normalized-text.ts';

/** Markers that chat models put before a final answer, matched case-insensitively. */
export const DEFAULT_ANSWER_MARKERS: readonly string[] = [
  'the final answer is',
  'final answer:',
  'the answer is',
  'answer:',
];

/** Options of `answerAfterMarker`. */
export interface AnswerAfterMarkerOptions<TValue = string> {
  /** Phrases that introduce the answer; the last occurrence in the text wins. Default `DEFAULT_ANSWER_MARKERS`. */
  readonly markers?: readonly string[];
  /** Reads the captured answer (`lastNumber()` for numbers). Default: `normalizedText()`. */
  readonly read?: AnswerExtractor<TValue>;
  /** Used on the whole text when no marker is found. Default: none, so such a sample is a non-vote. */
  readonly fallback?: AnswerExtractor<TValue>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const TRAILING_PUNCTUATION = new Set(['.', '!', ',', ';']);
const OPENING_QUOTES = new Set(['"', "'", '\u201c', '\u2018']);
const CLOSING_QUOTES = new Set(['"', "'", '\u201d', '\u2019']);

// Decoration around an answer that varies between samples without changing it: markdown emphasis, code
// ticks, quotes, a closing full stop. Trailing punctuation and quotes are checked character by character:
// a regex such as /[.!,;]+$/ backtracks over every run of dots, quadratic on a line of them.
function clean(captured: string): string {
  let text = captured.replace(/[*`]/g, '').trim();
  let end = text.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(text.charAt(end - 1))) end -= 1;
  text = text.slice(0, end);
  if (text.length >= 2 && OPENING_QUOTES.has(text.charAt(0)) && CLOSING_QUOTES.has(text.charAt(text.length - 1))) {
    text = text.slice(1, -1);
  }
  return text.trim();
}

/**
 * Extracts the answer that follows a marker such as "The answer is" or "Answer:", up to the end of that
 * line (the line after, when the marker ends its line). The last marker in the text wins, so a chain of
 * thought that restates the question's "answer:" earlier does not confuse it. Without a marker the sample
 * is a non-vote unless a `fallback` is given. Warning: pick markers your prompt asks the model to use; a
 * generic marker like "answer" also matches inside words and sentences.
 */
export function answerAfterMarker<TValue = string>(
  options: AnswerAfterMarkerOptions<TValue> = {},
): AnswerExtractor<TValue> {
  const markers = options.markers ?? DEFAULT_ANSWER_MARKERS;
  if (!Array.isArray(markers) || markers.length === 0) {
    throw new ConfigError('markers', 'must be a non-empty array of strings');
  }
  markers.forEach((marker: unknown, i) => {
    if (typeof marker !== 'string' || marker.trim().length === 0) {
      throw new ConfigError(`markers[${i}]`, 'must be a non-empty string');
    }
  });
  if (options.read !== undefined && typeof options.read !== 'function') {
    throw new ConfigError('read', 'must be a function');
  }
  if (options.fallback !== undefined && typeof options.fallback !== 'function') {
    throw new ConfigError('fallback', 'must be a function');
  }
  // Longest first, so the regex prefers "the final answer is" over "answer:" at the same place.
  const sorted = [...markers].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(sorted.map((m) => escapeRegExp(m.trim())).join('|'), 'giu');
  const read = options.read ?? (normalizedText() as unknown as AnswerExtractor<TValue>);
  const fallback = options.fallback;
  const lowered = sorted.map((m) => m.trim().toLowerCase());
  /** Index just past the marker that ends last. Native lastIndexOf when lower-casing keeps offsets, else the regex. */
  const endOfLastMarker = (text: string): number => {
    const lower = text.toLowerCase();
    let end = -1;
    if (lower.length === text.length) {
      for (const marker of lowered) {
        const at = lower.lastIndexOf(marker);
        if (at >= 0) end = Math.max(end, at + marker.length);
      }
      return end;
    }
    for (const match of text.matchAll(pattern)) end = match.index + match[0].length;
    return end;
  };
  return (text): Extracted<TValue> | undefined => {
    const end = endOfLastMarker(text);
    if (end < 0) return fallback?.(text);
    const rest = text.slice(end).replace(/^\s*(?:[:\uff1a=]|[-\u2013\u2014](?=\s))?\s*/u, '');
    const newline = rest.indexOf('\n');
    const captured = clean(newline < 0 ? rest : rest.slice(0, newline));
    return captured.length === 0 ? undefined : read(captured);
  };
}
