import type { CascadeRequest } from '@llm-cascade/core';
import type { RequestText } from './request-text.ts';

/**
 * Names of the dense features, in their fixed order. Word-level ones (`words` to `task_words`) are filled
 * by the n-gram pass, which already walks the words.
 */
export const DENSE_FEATURE_NAMES = Object.freeze([
  'log_tokens',
  'log_messages',
  'assistant_turns',
  'has_system',
  'json_response_format',
  'log_max_output_tokens',
  'code_fences',
  'code_symbol_ratio',
  'indented_line_ratio',
  'json_markers',
  'digit_ratio',
  'arithmetic',
  'latex',
  'list_items',
  'choice_options',
  'question_marks',
  'log_lines',
  'uppercase_ratio',
  'urls',
  'script_latin',
  'script_cyrillic',
  'script_greek',
  'script_cjk',
  'script_arabic',
  'script_hebrew',
  'script_devanagari',
  'script_other',
  'log_words',
  'mean_word_length',
  'long_word_ratio',
  'question_words',
  'task_words',
] as const);

export type DenseFeatureName = (typeof DENSE_FEATURE_NAMES)[number];

/** Index of each dense feature. */
export const DENSE: { readonly [K in DenseFeatureName]: number } = Object.freeze(
  Object.fromEntries(DENSE_FEATURE_NAMES.map((name, i) => [name, i])) as { [K in DenseFeatureName]: number },
);

const SCRIPT_OFFSET = DENSE.script_latin;

/** Which script bucket a non-ASCII code unit falls in (offset from `script_latin`), -1 for punctuation. */
function scriptOf(code: number): number {
  if (code < 0x250) return code >= 0xc0 ? 0 : -1; // Latin-1 letters and Latin Extended
  if (code >= 0x370 && code < 0x400) return 2;
  if (code >= 0x400 && code < 0x530) return 1;
  if (code >= 0x590 && code < 0x600) return 5;
  if (code >= 0x600 && code < 0x780) return 4;
  if (code >= 0x900 && code < 0x980) return 6;
  if (code >= 0x1e00 && code < 0x1f00) return 0;
  if (code >= 0x2000 && code < 0x2c00) return -1; // punctuation, symbols, arrows, maths operators
  if ((code >= 0x3040 && code < 0x3100) || (code >= 0x3400 && code < 0xa000) || (code >= 0xac00 && code < 0xd7b0))
    return 3; // kana, CJK ideographs, Hangul
  if (code >= 0xd800 && code < 0xe000) return -1; // surrogate halves: emoji and rarer scripts, counted nowhere
  return 7;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `- `, `* `, `• `, `1. `, `2) ` at a line start. */
function listItemAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 45 || c === 42 || c === 0x2022) return text.charCodeAt(i + 1) === 32;
  let j = i;
  while (j < text.length && j - i < 3 && isDigit(text.charCodeAt(j))) j += 1;
  if (j === i) return false;
  const after = text.charCodeAt(j);
  return (after === 46 || after === 41) && text.charCodeAt(j + 1) === 32;
}

/** `A) `, `B. `, `(C) `, `D: ` at a line start: a multiple-choice option. */
function choiceAt(text: string, i: number): boolean {
  let j = i;
  if (text.charCodeAt(j) === 40) j += 1;
  const letter = text.charCodeAt(j) | 0x20;
  if (letter < 97 || letter > 104) return false;
  const after = text.charCodeAt(j + 1);
  return (after === 41 || after === 46 || after === 58) && text.charCodeAt(j + 2) === 32;
}

/**
 * Fills the structure features (every dense feature but the word-level ones) into `out` from one pass
 * over the text. Counts are squashed with log1p and shares are fractions, so no feature dominates.
 */
export function structureFeatures(request: CascadeRequest, source: RequestText, out: Float64Array): void {
  const text = source.text;
  const n = text.length;
  let upper = 0;
  let digits = 0;
  let visible = 0;
  let codeSymbols = 0;
  let fences = 0;
  let jsonMarkers = 0;
  let arithmetic = 0;
  let latex = 0;
  let questionMarks = 0;
  let lines = 1;
  let indented = 0;
  let listItems = 0;
  let choices = 0;
  let asciiLetters = 0;
  let lastVisible = 32;
  const scripts = [0, 0, 0, 0, 0, 0, 0, 0];
  let lineStart = true;
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      lineStart = false;
      let j = i;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j += 1;
      if (j - i >= 2 || text.charCodeAt(i) === 9) indented += 1;
      if (j < n) {
        if (listItemAt(text, j)) listItems += 1;
        else if (choiceAt(text, j)) choices += 1;
      }
    }
    if (c === 10) {
      lines += 1;
      lineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    visible += 1;
    if (c < 128) {
      if (c >= 65 && c <= 90) {
        upper += 1;
        asciiLetters += 1;
      } else if (c >= 97 && c <= 122) asciiLetters += 1;
      else if (c >= 48 && c <= 57) digits += 1;
      else if (
        c === 123 ||
        c === 125 ||
        c === 40 ||
        c === 41 ||
        c === 59 ||
        c === 60 ||
        c === 62 ||
        c === 91 ||
        c === 93
      )
        codeSymbols += 1;
      else if (c === 96) {
        if (text.charCodeAt(i + 1) === 96 && text.charCodeAt(i + 2) === 96) {
          fences += 1;
          i += 2;
        }
      } else if (c === 34) {
        if (text.charCodeAt(i + 1) === 58) jsonMarkers += 1;
      } else if (c === 63) questionMarks += 1;
      else if (c === 36) latex += 1;
      else if (c === 92) {
        const next = text.charCodeAt(i + 1) | 0x20;
        if (next >= 97 && next <= 122) latex += 1;
      }
      if (
        (c === 43 || c === 45 || c === 42 || c === 47 || c === 94 || c === 61) &&
        (isDigit(lastVisible) || lastVisible === 41)
      )
        arithmetic += 1;
      if (c === 61) codeSymbols += 1;
    } else {
      const script = scriptOf(c);
      if (script >= 0) scripts[script] = (scripts[script] as number) + 1;
      if (c === 0x00d7 || c === 0x00f7 || (c >= 0x2200 && c < 0x2300)) arithmetic += 1;
    }
    lastVisible = c;
  }
  let urls = 0;
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) urls += 1;
  writeStructure(request, source, out, {
    upper,
    digits,
    visible,
    codeSymbols,
    fences,
    jsonMarkers,
    arithmetic,
    latex,
    questionMarks,
    lines,
    indented,
    listItems,
    choices,
    asciiLetters,
    urls,
    scripts,
  });
}

/** The raw counts of the structure scan. */
interface StructureCounts {
  readonly upper: number;
  readonly digits: number;
  readonly visible: number;
  readonly codeSymbols: number;
  readonly fences: number;
  readonly jsonMarkers: number;
  readonly arithmetic: number;
  readonly latex: number;
  readonly questionMarks: number;
  readonly lines: number;
  readonly indented: number;
  readonly listItems: number;
  readonly choices: number;
  readonly asciiLetters: number;
  readonly urls: number;
  readonly scripts: readonly number[];
}

/** Turns the counts into features: counts squashed with log1p, shares as fractions. */
function writeStructure(
  request: CascadeRequest,
  source: RequestText,
  out: Float64Array,
  counts: StructureCounts,
): void {
  const { upper, digits, visible, codeSymbols, fences, jsonMarkers, arithmetic, latex, questionMarks } = counts;
  const { lines, indented, listItems, choices, asciiLetters, urls, scripts } = counts;
  const letters = asciiLetters + scripts.reduce((sum, count) => sum + count, 0);
  const share = (count: number, of: number) => (of === 0 ? 0 : count / of);
  // Tokens: about 4 characters each in Latin text; a rough estimate is enough to rank requests by size.
  out[DENSE.log_tokens] = Math.log1p(source.fullLength / 4);
  out[DENSE.log_messages] = Math.log1p(source.messages);
  out[DENSE.assistant_turns] = Math.log1p(source.assistantTurns);
  out[DENSE.has_system] = source.hasSystem ? 1 : 0;
  out[DENSE.json_response_format] = request.responseFormat?.type === 'json_schema' ? 1 : 0;
  const maxOutput = request.maxOutputTokens;
  out[DENSE.log_max_output_tokens] =
    typeof maxOutput === 'number' && Number.isFinite(maxOutput) && maxOutput > 0 ? Math.log1p(maxOutput) : 0;
  out[DENSE.code_fences] = Math.min(fences / 2, 5);
  out[DENSE.code_symbol_ratio] = share(codeSymbols, visible);
  out[DENSE.indented_line_ratio] = share(indented, lines);
  out[DENSE.json_markers] = Math.log1p(jsonMarkers);
  out[DENSE.digit_ratio] = share(digits, visible);
  out[DENSE.arithmetic] = Math.log1p(arithmetic);
  out[DENSE.latex] = Math.log1p(latex);
  out[DENSE.list_items] = Math.log1p(listItems);
  out[DENSE.choice_options] = Math.log1p(choices);
  out[DENSE.question_marks] = Math.log1p(questionMarks);
  out[DENSE.log_lines] = Math.log1p(lines);
  out[DENSE.uppercase_ratio] = share(upper, asciiLetters);
  out[DENSE.urls] = Math.log1p(urls);
  out[SCRIPT_OFFSET] = share(asciiLetters + (scripts[0] as number), letters);
  for (let s = 1; s < scripts.length; s += 1) out[SCRIPT_OFFSET + s] = share(scripts[s] as number, letters);
}
