/** The languages the gate checks. */
export type CodeLanguage = 'typescript' | 'javascript' | 'python';

export const CODE_LANGUAGES: readonly CodeLanguage[] = ['typescript', 'javascript', 'python'];

// Fence info strings models actually write. Matched on the first word of the info string, lowercased.
const FENCE_TAGS: ReadonlyMap<string, CodeLanguage> = new Map([
  ['ts', 'typescript'],
  ['typescript', 'typescript'],
  ['tsx', 'typescript'],
  ['mts', 'typescript'],
  ['cts', 'typescript'],
  ['js', 'javascript'],
  ['javascript', 'javascript'],
  ['jsx', 'javascript'],
  ['mjs', 'javascript'],
  ['cjs', 'javascript'],
  ['node', 'javascript'],
  ['py', 'python'],
  ['python', 'python'],
  ['python3', 'python'],
  ['py3', 'python'],
]);

/** The language a fence's info string names, or `undefined` for an empty or unknown tag. */
export function languageOfFenceTag(tag: string): CodeLanguage | undefined {
  return FENCE_TAGS.get(tag.toLowerCase());
}

/** How the language reads in feedback to a model. */
export function languageLabel(language: CodeLanguage): string {
  switch (language) {
    case 'typescript':
      return 'TypeScript';
    case 'javascript':
      return 'JavaScript';
    case 'python':
      return 'Python';
  }
}

/** The fence tag the gate asks a model to use when it wrote no code block. */
export function fenceTagOf(language: CodeLanguage): string {
  return language;
}
