import { describe, expect, it } from 'vitest';
import { extractCode, findFencedBlocks } from './extract-code.ts';

describe('findFencedBlocks', () => {
  it('finds backtick and tilde fences with their tags, and strips the fence indentation', () => {
    const text = [
      'Here you go:',
      '```ts',
      'const a = 1;',
      '```',
      '1. then:',
      '   ~~~python',
      '   def f():',
      '       return 1',
      '   ~~~',
    ].join('\n');
    const blocks = findFencedBlocks(text);
    expect(blocks.map((b) => [b.tag, b.language])).toEqual([
      ['ts', 'typescript'],
      ['python', 'python'],
    ]);
    expect(blocks[1]?.code).toBe('def f():\n    return 1');
  });

  it('needs a closing fence at least as long as the opening one, and runs an unclosed fence to the end', () => {
    const text = '````md\n```js\ninner\n```\n````\n```js\ncut off';
    const blocks = findFencedBlocks(text);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]?.code).toBe('```js\ninner\n```');
    expect(blocks[1]).toMatchObject({ tag: 'js', code: 'cut off' });
  });

  it('reads CRLF answers', () => {
    expect(findFencedBlocks('```py\r\nx = 1\r\n```\r\n')[0]?.code).toBe('x = 1');
  });
});

describe('extractCode', () => {
  it('takes the whole answer when it has no fence and the language is known', () => {
    expect(extractCode('const a: number = 1;', { language: 'typescript' })).toEqual({
      found: true,
      code: 'const a: number = 1;',
      language: 'typescript',
      source: 'text',
      blocks: 0,
      blocksUsed: 0,
    });
  });

  it('asks for a tagged fence when neither the option nor a fence names the language', () => {
    const result = extractCode('x = 1');
    expect(result.found).toBe(false);
    if (!result.found) expect(result.message).toContain('```python');
  });

  it('fails an empty answer and an empty block', () => {
    expect(extractCode('  \n', { language: 'python' }).found).toBe(false);
    const empty = extractCode('```python\n\n```', { language: 'python' });
    expect(empty).toMatchObject({ found: false });
    if (!empty.found) expect(empty.message).toContain('empty');
  });

  it('picks the first block of the language by default, and last or all on request', () => {
    const text = 'a\n```ts\nconst a = 1;\n```\nusage:\n```ts\nconst b = a;\n```';
    expect(extractCode(text, { language: 'typescript' })).toMatchObject({
      code: 'const a = 1;',
      blocks: 2,
      blocksUsed: 1,
    });
    expect(extractCode(text, { language: 'typescript', select: 'last' })).toMatchObject({ code: 'const b = a;' });
    expect(extractCode(text, { language: 'typescript', select: 'all' })).toMatchObject({
      code: 'const a = 1;\n\nconst b = a;',
      blocksUsed: 2,
    });
  });

  it('prefers blocks tagged with the language over untagged ones, and falls back to untagged ones', () => {
    const text = '```\nshell stuff\n```\n```typescript\nconst a = 1;\n```';
    expect(extractCode(text, { language: 'typescript' })).toMatchObject({ code: 'const a = 1;' });
    expect(extractCode('```\nconst a = 1;\n```', { language: 'typescript' })).toMatchObject({
      code: 'const a = 1;',
      source: 'fence',
    });
  });

  it('lets the first known fence tag decide the language when no option is given', () => {
    const text = '```bash\nnpm i\n```\n```py\nprint(1)\n```\n```js\nlet a;\n```';
    expect(extractCode(text)).toMatchObject({ found: true, language: 'python', code: 'print(1)' });
  });

  it('fails with a message naming what it saw when the answer has blocks but none of the language', () => {
    const result = extractCode('```python\nx = 1\n```', { language: 'typescript' });
    expect(result).toMatchObject({ found: false, blocks: 1 });
    if (!result.found)
      expect(result.message).toBe(
        'Your answer has code blocks (python) but none in TypeScript. Give your TypeScript code in a ```typescript block.',
      );
  });

  it('handles long runs of fence characters without backtracking blow-up', () => {
    // A backtracking pattern over this text would not finish within the test timeout.
    const text = `${'`'.repeat(200_000)}x\`\n${'~~~ts\n'.repeat(20_000)}`;
    const result = extractCode(text, { language: 'typescript' });
    // The backtick line is no fence (a backtick in its info string); the first ~~~ts opens one that never
    // closes (a line with an info string cannot close it).
    expect(result).toMatchObject({ found: true, blocks: 1 });
    if (result.found) expect(result.code.startsWith('~~~ts\n~~~ts')).toBe(true);
  });
});
