import { type CascadeRequest, ConfigError } from '@llm-cascade/core';
import type { FeatureConfig } from './feature-config.ts';
import { resolveFeatureConfig } from './feature-config.ts';
import { combine, FNV_OFFSET, fnvStep, hashString, mix32 } from './hash.ts';
import { OccurrenceCollector } from './occurrences.ts';
import { requestText } from './request-text.ts';
import { DENSE, DENSE_FEATURE_NAMES, structureFeatures } from './structure-features.ts';

/** A user-supplied embedding of the request text; must be deterministic and return `dimensions` numbers. */
export type Embed = (text: string) => ArrayLike<number>;

/** The features of one request. Hashed features are sparse; each bucket appears once. */
export interface FeatureVector {
  /** Dense features in `DENSE_FEATURE_NAMES` order, before standardisation. */
  readonly dense: Float64Array;
  /** Hashed buckets (n-grams, metadata) with a non-zero value. */
  readonly indices: Int32Array;
  readonly values: Float64Array;
  /** The embedding, when the configuration uses one. */
  readonly embedding: Float64Array | undefined;
  /** A readable name for the k-th hashed feature (`word:"prove"`, `char:"fn("`, `meta:tenant=acme`). */
  hashedName(k: number): string;
}

export interface ExtractOptions {
  /** A precomputed embedding (an asynchronous embedder's output); used instead of calling `embed`. */
  readonly embedding?: ArrayLike<number>;
}

/** Turns requests into feature vectors. Not re-entrant: one extractor serves one thread, as JS does. */
export interface FeatureExtractor {
  readonly config: FeatureConfig;
  extract(request: CascadeRequest, options?: ExtractOptions): FeatureVector;
}

export interface FeatureExtractorOptions {
  readonly features?: Partial<FeatureConfig>;
  /** Needed when `features.embeddingDimensions` > 0, unless every call passes `embedding`. */
  readonly embed?: Embed;
}

const QUESTION_WORDS = ['what', 'why', 'how', 'which', 'who', 'whom', 'whose', 'when', 'where'];
const TASK_WORDS = [
  'explain',
  'describe',
  'write',
  'implement',
  'prove',
  'calculate',
  'compute',
  'solve',
  'summarize',
  'summarise',
  'translate',
  'compare',
  'list',
  'derive',
  'debug',
  'refactor',
  'analyze',
  'analyse',
];

function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i += 1) h = fnvStep(h, word.charCodeAt(i));
  return h;
}

const QUESTION_HASHES = new Set(QUESTION_WORDS.map(wordHash));
const TASK_HASHES = new Set(TASK_WORDS.map(wordHash));

// Namespace seeds keep a word, a bigram, a character n-gram and a metadata value with the same text apart.
const WORD_SEED = [0, 0x51ed270b, 0x2b8fa3c5, 0x7a3d1e99];
const CHAR_SEED = 0x1b873593;
const META_SEED = 0x68e31da4;

/** Word characters: ASCII letters, digits and `_`, and any letter-like code unit outside punctuation blocks. */
function isWordCode(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
  return c >= 0xc0 && !(c >= 0x2000 && c < 0x2c00) && !(c >= 0x3000 && c < 0x3040) && !(c >= 0xff00 && c < 0xff10);
}

/** What the n-gram pass needs besides the text: the n-gram lengths, the collector and its ring buffers. */
interface NgramContext {
  readonly wordNgrams: readonly number[];
  readonly charNgrams: readonly number[];
  readonly collector: OccurrenceCollector;
  readonly ringCode: Int32Array;
  readonly ringAt: Int32Array;
}

/**
 * One pass over the lowercased text: hashes word n-grams and character n-grams (whitespace collapsed)
 * into the collector, and fills the word-level dense features.
 */
function ngramPass(lower: string, dense: Float64Array, context: NgramContext): void {
  const { wordNgrams, charNgrams, collector, ringCode, ringAt } = context;
  const maxChar = charNgrams.length === 0 ? 0 : (charNgrams[charNgrams.length - 1] as number);
  const add = (hash: number, block: number, start: number, end: number) => collector.add(hash, block, start, end);
  const n = lower.length;
  let words = 0;
  let wordChars = 0;
  let longWords = 0;
  let questionWords = 0;
  let taskWords = 0;
  // The last three words' hashes and starts, for word bigrams and trigrams.
  let h1 = 0;
  let h2 = 0;
  let s1 = 0;
  let s2 = 0;
  let wordStart = -1;
  let wordHashValue = FNV_OFFSET;
  let streamLength = 0;
  let lastWasSpace = true;
  for (let i = 0; i <= n; i += 1) {
    const c = i < n ? lower.charCodeAt(i) : 32;
    if (isWordCode(c)) {
      if (wordStart < 0) {
        wordStart = i;
        wordHashValue = FNV_OFFSET;
      }
      wordHashValue = fnvStep(wordHashValue, c);
    } else if (wordStart >= 0) {
      const length = i - wordStart;
      words += 1;
      wordChars += length;
      if (length > 12) longWords += 1;
      if (QUESTION_HASHES.has(wordHashValue)) questionWords += 1;
      else if (TASK_HASHES.has(wordHashValue)) taskWords += 1;
      for (let b = 0; b < wordNgrams.length; b += 1) {
        const order = wordNgrams[b] as number;
        if (order === 1) add(mix32(wordHashValue ^ (WORD_SEED[1] as number)), b, wordStart, i);
        else if (order === 2 && words >= 2) add(combine(h1, wordHashValue, WORD_SEED[2] as number), b, s1, i);
        else if (order === 3 && words >= 3)
          add(combine(combine(h2, h1, WORD_SEED[3] as number), wordHashValue, WORD_SEED[3] as number), b, s2, i);
      }
      h2 = h1;
      s2 = s1;
      h1 = wordHashValue;
      s1 = wordStart;
      wordStart = -1;
    }
    if (maxChar === 0 || i === n) continue;
    // Character n-grams over the text with whitespace runs collapsed to one space.
    const space = c <= 32;
    if (space && lastWasSpace) continue;
    lastWasSpace = space;
    const slot = streamLength & 7;
    ringCode[slot] = space ? 32 : c;
    ringAt[slot] = i;
    streamLength += 1;
    for (let b = 0; b < charNgrams.length; b += 1) {
      const order = charNgrams[b] as number;
      if (streamLength < order) break;
      let h = FNV_OFFSET ^ CHAR_SEED ^ order;
      for (let k = streamLength - order; k < streamLength; k += 1) h = fnvStep(h, ringCode[k & 7] as number);
      add(mix32(h), wordNgrams.length + b, ringAt[(streamLength - order) & 7] as number, i + 1);
    }
  }
  dense[DENSE.log_words] = Math.log1p(words);
  dense[DENSE.mean_word_length] = words === 0 ? 0 : wordChars / words;
  dense[DENSE.long_word_ratio] = words === 0 ? 0 : longWords / words;
  dense[DENSE.question_words] = Math.log1p(questionWords);
  dense[DENSE.task_words] = Math.log1p(taskWords);
}

/**
 * Builds the built-in feature extractor: length, structure, hashed word and character n-grams, request
 * metadata, and an optional embedding. No network, no model download; about a microsecond per hundred
 * characters.
 */
export function createFeatureExtractor(options: FeatureExtractorOptions = {}): FeatureExtractor {
  const config = resolveFeatureConfig(options.features);
  const embed = options.embed;
  if (embed !== undefined && typeof embed !== 'function') throw new ConfigError('embed', 'must be a function');
  if (embed !== undefined && config.embeddingDimensions === 0) {
    throw new ConfigError('features.embeddingDimensions', 'must be set (the length of the vectors embed returns)');
  }
  const wordNgrams = config.wordNgrams;
  const charNgrams = config.charNgrams;
  const blocks = wordNgrams.length + charNgrams.length;
  // Blocks: one per word n-gram length, one per character n-gram length, then metadata.
  const collector = new OccurrenceCollector(config.hashBits, blocks + 1);
  const context: NgramContext = {
    wordNgrams,
    charNgrams,
    collector,
    ringCode: new Int32Array(8),
    ringAt: new Int32Array(8),
  };

  function extract(request: CascadeRequest, extractOptions: ExtractOptions = {}): FeatureVector {
    const source = requestText(request, config.maxChars);
    const dense = new Float64Array(DENSE_FEATURE_NAMES.length);
    structureFeatures(request, source, dense);
    const lower = source.text.toLowerCase();
    collector.reset();
    ngramPass(lower, dense, context);
    const metaNames: string[] = [];
    for (const key of config.metadataKeys) {
      const value = request.metadata?.[key];
      if (value === undefined) continue;
      const name = `${key}=${String(value)}`;
      collector.add(hashString(name, META_SEED), blocks, metaNames.length, -1);
      metaNames.push(name);
    }
    // Names are built only when asked for (explanations), from the first occurrence's origin.
    const { indices, values, originBlock, originStart, originEnd } = collector.merge(blocks);
    const embedding = embeddingOf(source.text, extractOptions.embedding);
    return {
      dense,
      indices,
      values,
      embedding,
      hashedName(k: number): string {
        const block = originBlock[k];
        if (block === undefined) return `hashed:${k}`;
        const start = originStart[k] as number;
        if (block === blocks) return `meta:${metaNames[start]}`;
        const text = lower.slice(start, originEnd[k] as number).replace(/\s+/g, ' ');
        return `${block < wordNgrams.length ? 'word' : 'char'}:${JSON.stringify(text)}`;
      },
    };
  }

  function embeddingOf(text: string, given: ArrayLike<number> | undefined): Float64Array | undefined {
    const dimensions = config.embeddingDimensions;
    if (dimensions === 0) return undefined;
    const source = given ?? embed?.(text);
    if (source === undefined) {
      throw new ConfigError('embed', `the features use a ${dimensions}-dimensional embedding: pass embed or embedding`);
    }
    if (source.length !== dimensions) {
      throw new ConfigError('embed', `returned ${source.length} numbers, expected ${dimensions}`);
    }
    const vector = Float64Array.from(source);
    for (let i = 0; i < dimensions; i += 1) {
      if (!Number.isFinite(vector[i])) throw new ConfigError('embed', `returned a non-finite number at ${i}`);
    }
    return vector;
  }

  return { config, extract };
}
