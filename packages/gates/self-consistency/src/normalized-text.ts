import type { AnswerExtractor } from './extractor.ts';

// Matches only whitespace that is not already a single space, so ordinary text is not rewritten space by space.
const COLLAPSIBLE = /\s{2,}|[^\S ]/g;

/** The default key: the text trimmed, whitespace runs collapsed to one space, case-folded. Empty is no answer. */
export function normaliseText(text: string): string {
  return text.normalize('NFC').trim().replace(COLLAPSIBLE, ' ').toLowerCase();
}

/**
 * The default extractor: the whole answer, trimmed, whitespace-collapsed and case-folded, so `"Paris"` and
 * `" paris\n"` agree. Use it for short answers (a label, a date, a name). For reasoning chains, whose
 * wording differs between samples even when the answer agrees, use `answerAfterMarker` or `lastNumber`.
 */
export function normalizedText(): AnswerExtractor<string> {
  return (text) => {
    const key = normaliseText(text);
    return key.length === 0 ? undefined : { key, value: key };
  };
}
