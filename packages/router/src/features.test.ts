import { ConfigError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { resolveFeatureConfig } from './feature-config.ts';
import { createFeatureExtractor } from './features.ts';
import { DENSE } from './structure-features.ts';

const extractor = createFeatureExtractor({ features: { charNgrams: [3] } });

function names(request: Parameters<typeof extractor.extract>[0]): string[] {
  const vector = extractor.extract(request);
  return Array.from(vector.indices, (_, k) => vector.hashedName(k));
}

describe('features', () => {
  it('is deterministic: the same request gives the same vector', () => {
    const request = { prompt: 'Why is the sky blue? Explain in two sentences.', metadata: { tenant: 'acme' } };
    const a = extractor.extract(request);
    const b = createFeatureExtractor({ features: { charNgrams: [3] } }).extract(request);
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.dense)).toEqual(Array.from(b.dense));
  });

  it('estimates length from the whole text, even past the read limit', () => {
    const short = extractor.extract({ prompt: 'hello there' }).dense[DENSE.log_tokens] as number;
    const long = extractor.extract({ prompt: 'word '.repeat(50_000) }).dense[DENSE.log_tokens] as number;
    expect(short).toBeCloseTo(Math.log1p(11 / 4), 6);
    expect(long).toBeCloseTo(Math.log1p(250_000 / 4), 6);
  });

  it('sees code fences, JSON, maths, lists, choices and question words', () => {
    const code = extractor.extract({ prompt: 'Fix this:\n```ts\nconst x = f(1);\n```' }).dense;
    expect(code[DENSE.code_fences]).toBe(1);
    expect(code[DENSE.code_symbol_ratio]).toBeGreaterThan(0.1);
    const json = extractor.extract({ prompt: 'Fill {"name": "", "age": 0}' }).dense;
    expect(json[DENSE.json_markers]).toBeCloseTo(Math.log1p(2), 6);
    const math = extractor.extract({ prompt: 'Solve 12 + 7 * 3 = ? and \\frac{1}{2} of $x$' }).dense;
    expect(math[DENSE.arithmetic]).toBeGreaterThan(0);
    expect(math[DENSE.latex]).toBeGreaterThan(0);
    expect(math[DENSE.task_words]).toBeCloseTo(Math.log1p(1), 6);
    const list = extractor.extract({ prompt: 'Steps:\n- one\n- two\n1. three\nA) yes\nB) no' }).dense;
    expect(list[DENSE.list_items]).toBeCloseTo(Math.log1p(3), 6);
    expect(list[DENSE.choice_options]).toBeCloseTo(Math.log1p(2), 6);
    const question = extractor.extract({ prompt: 'What is it and why? How so?' }).dense;
    expect(question[DENSE.question_words]).toBeCloseTo(Math.log1p(3), 6);
    expect(question[DENSE.question_marks]).toBeCloseTo(Math.log1p(2), 6);
  });

  it('tells scripts apart', () => {
    const cyrillic = extractor.extract({ prompt: 'Привет, как дела?' }).dense;
    expect(cyrillic[DENSE.script_cyrillic]).toBe(1);
    expect(cyrillic[DENSE.script_latin]).toBe(0);
    const mixed = extractor.extract({ prompt: '東京 is Tokyo' }).dense;
    expect(mixed[DENSE.script_cjk]).toBeCloseTo(2 / 9, 6);
    expect(mixed[DENSE.script_latin]).toBeCloseTo(7 / 9, 6);
  });

  it('hashes word and character n-grams and metadata into named features', () => {
    const found = names({ prompt: 'Prove the theorem', metadata: { feature: 'maths', tenant: 'acme', other: 'x' } });
    expect(found).toContain('word:"prove"');
    expect(found).toContain('word:"prove the"');
    expect(found).toContain('char:"the"');
    expect(found).toContain('meta:feature=maths');
    expect(found).toContain('meta:tenant=acme');
    expect(found.some((name) => name.includes('other'))).toBe(false);
  });

  it('reads no character n-grams by default', () => {
    const vector = createFeatureExtractor().extract({ prompt: 'Prove the theorem' });
    const found = Array.from(vector.indices, (_, k) => vector.hashedName(k));
    expect(found.sort()).toEqual([
      'word:"prove the"',
      'word:"prove"',
      'word:"the theorem"',
      'word:"the"',
      'word:"theorem"',
    ]);
  });

  it('scales each n-gram block to unit length, so size alone does not dominate', () => {
    const vector = extractor.extract({ prompt: 'alpha beta gamma delta epsilon zeta eta theta' });
    const norm = Math.sqrt(vector.values.reduce((sum, v) => sum + v * v, 0));
    // Three blocks (words, bigrams, character trigrams), each of length about 1.
    expect(norm).toBeGreaterThan(1.5);
    expect(norm).toBeLessThan(2);
  });

  it('reads system prompt and messages, and counts turns', () => {
    const vector = extractor.extract({
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'again' },
      ],
    });
    expect(vector.dense[DENSE.has_system]).toBe(1);
    expect(vector.dense[DENSE.assistant_turns]).toBeCloseTo(Math.log1p(1), 6);
    expect(vector.dense[DENSE.log_messages]).toBeCloseTo(Math.log1p(3), 6);
    expect(Array.from(vector.indices, (_, k) => vector.hashedName(k))).toContain('word:"terse"');
  });

  it('bounds the work on a huge prompt to the read limit', () => {
    const small = createFeatureExtractor({ features: { maxChars: 256, charNgrams: [3] } });
    const vector = small.extract({ prompt: `${'a'.repeat(1000)} middle ${'b'.repeat(1000)}` });
    const found = Array.from(vector.indices, (_, k) => vector.hashedName(k));
    expect(found.some((name) => name.includes('middle'))).toBe(false);
    expect(found).toContain('char:"aaa"');
    expect(found).toContain('char:"bbb"');
  });

  it('adds a user-supplied embedding, and checks its length', () => {
    const withEmbedding = createFeatureExtractor({
      features: { embeddingDimensions: 3 },
      embed: (text) => [text.length, 1, 0],
    });
    expect(Array.from(withEmbedding.extract({ prompt: 'abcd' }).embedding ?? [])).toEqual([4, 1, 0]);
    expect(Array.from(withEmbedding.extract({ prompt: 'abcd' }, { embedding: [9, 9, 9] }).embedding ?? [])).toEqual([
      9, 9, 9,
    ]);
    const wrong = createFeatureExtractor({ features: { embeddingDimensions: 2 }, embed: () => [1, 2, 3] });
    expect(() => wrong.extract({ prompt: 'x' })).toThrow(/returned 3 numbers, expected 2/);
    expect(() => createFeatureExtractor({ embed: () => [1] })).toThrow(ConfigError);
  });

  it('rejects misspelt and out-of-range options, naming the field', () => {
    expect(() => resolveFeatureConfig({ hashbits: 10 } as never)).toThrow(/features\.hashbits: unknown option/);
    expect(() => resolveFeatureConfig({ hashBits: 40 })).toThrow(/features\.hashBits/);
    expect(() => resolveFeatureConfig({ charNgrams: [0] })).toThrow(/features\.charNgrams/);
  });

  it('handles empty and odd requests without throwing', () => {
    expect(extractor.extract({ prompt: '' }).indices.length).toBe(0);
    expect(() => extractor.extract({ prompt: '\u0000\ud800```"' })).not.toThrow();
  });
});
