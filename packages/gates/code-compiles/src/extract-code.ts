import { type CodeLanguage, languageLabel, languageOfFenceTag } from './languages.ts';

/**
 * Which fenced blocks of the target language become the code:
 * - `first` (default): the first one. Models often follow the answer with a usage example or a second
 *   variant; joining them would report duplicate declarations that are not really in the answer.
 * - `last`: the last one, for prompts that ask the model to think first and give the final code last.
 * - `all`: every block of the language, joined with a blank line, in order (for answers split into parts).
 */
export type BlockSelection = 'first' | 'last' | 'all';

export interface ExtractCodeOptions {
  /** The language to look for; without it, the first fence tagged with a known language decides. */
  readonly language?: CodeLanguage | undefined;
  readonly select?: BlockSelection | undefined;
}

export type ExtractedCode =
  | {
      readonly found: true;
      readonly code: string;
      readonly language: CodeLanguage;
      /** `fence` when taken from fenced blocks, `text` when the answer had no fence at all. */
      readonly source: 'fence' | 'text';
      /** How many fenced blocks of the language the answer had (0 for `text`). */
      readonly blocks: number;
      /** How many of them went into `code`. */
      readonly blocksUsed: number;
    }
  | {
      readonly found: false;
      /** One short sentence, fit for a repair prompt. */
      readonly message: string;
      /** How many fenced blocks the answer had, of any language. */
      readonly blocks: number;
    };

interface FencedBlock {
  /** The first word of the info string, as written. */
  readonly tag: string;
  readonly language: CodeLanguage | undefined;
  readonly code: string;
}

const FENCE_OPEN = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;

/**
 * Finds fenced code blocks (``` or ~~~, any indentation, since models indent fences inside lists). An
 * unclosed fence runs to the end of the text: a cut-off answer still yields what it has. One pass over the
 * lines, no backtracking regular expression over the whole text, so hostile input stays linear.
 */
export function findFencedBlocks(text: string): FencedBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = FENCE_OPEN.exec(lines[i] as string);
    i += 1;
    if (open === null) continue;
    const indent = (open[1] as string).length;
    const fence = open[2] as string;
    const tag = open[3] as string;
    const body: string[] = [];
    while (i < lines.length) {
      const line = lines[i] as string;
      i += 1;
      const trimmed = line.trim();
      if (trimmed.length >= fence.length && trimmed[0] === fence[0] && isRunOf(trimmed, fence[0] as string)) break;
      body.push(stripIndent(line, indent));
    }
    blocks.push({ tag, language: languageOfFenceTag(tag), code: body.join('\n') });
  }
  return blocks;
}

function isRunOf(text: string, char: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text[i] !== char) return false;
  return true;
}

function stripIndent(line: string, indent: number): string {
  let cut = 0;
  while (cut < indent && cut < line.length && (line[cut] === ' ' || line[cut] === '\t')) cut += 1;
  return line.slice(cut);
}

function pick(blocks: readonly FencedBlock[], select: BlockSelection): { code: string; used: number } {
  if (select === 'all') return { code: blocks.map((b) => b.code).join('\n\n'), used: blocks.length };
  const block = select === 'last' ? blocks[blocks.length - 1] : blocks[0];
  return { code: block?.code ?? '', used: 1 };
}

/**
 * Takes the code out of a model's answer: the fenced blocks of the language (tagged ones first, then
 * untagged ones), or the whole answer when it has no fence at all.
 */
export function extractCode(text: string, options: ExtractCodeOptions = {}): ExtractedCode {
  const select = options.select ?? 'first';
  const blocks = findFencedBlocks(text);
  if (blocks.length === 0) {
    if (text.trim().length === 0) return { found: false, message: 'Your answer was empty.', blocks: 0 };
    if (options.language === undefined) {
      return {
        found: false,
        message:
          'Put your code in a fenced code block tagged with its language (```typescript, ```javascript or ```python).',
        blocks: 0,
      };
    }
    return { found: true, code: text, language: options.language, source: 'text', blocks: 0, blocksUsed: 0 };
  }
  const language = options.language ?? blocks.find((b) => b.language !== undefined)?.language;
  const tagged = language === undefined ? [] : blocks.filter((b) => b.language === language);
  const untagged = blocks.filter((b) => b.tag === '');
  const chosen = tagged.length > 0 ? tagged : untagged;
  if (chosen.length === 0 || language === undefined) {
    const seen = [...new Set(blocks.map((b) => b.tag || 'untagged'))].join(', ');
    const message =
      language === undefined
        ? `Your answer has code blocks (${seen}) but none tagged with a language this check knows. Put your code in a fenced block tagged \`\`\`typescript, \`\`\`javascript or \`\`\`python.`
        : `Your answer has code blocks (${seen}) but none in ${languageLabel(language)}. Give your ${languageLabel(language)} code in a \`\`\`${language} block.`;
    return { found: false, message, blocks: blocks.length };
  }
  const { code, used } = pick(chosen, select);
  if (code.trim().length === 0) {
    return { found: false, message: `Your ${languageLabel(language)} code block is empty.`, blocks: blocks.length };
  }
  return { found: true, code, language, source: 'fence', blocks: chosen.length, blocksUsed: used };
}
