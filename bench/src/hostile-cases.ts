// The hostile answers the `hostile-inputs` bench feeds each gate: the known cases that stalled or crashed a
// gate before it was hardened, and generated deep, wide, long and repetitive answers up to each gate's cap.
import type { Candidate, JsonSchema } from '@llm-cascade/core';
import { gateContext } from '@llm-cascade/core/test';
import { codeCompilesGate, DEFAULT_MAX_SOURCE_BYTES } from '@llm-cascade/gate-code-compiles';
import { codeTestsGate } from '@llm-cascade/gate-code-tests';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_KEYS, DEFAULT_MAX_VALUES, jsonSchemaGate } from '@llm-cascade/gate-json-schema';
import { logprobGate } from '@llm-cascade/gate-logprob';
import {
  type AnswerExtractor,
  canonicalJson,
  DEFAULT_MAX_SAMPLE_BYTES,
  lastNumber,
  normalizedCode,
  normalizedText,
  selfConsistencyGate,
} from '@llm-cascade/gate-self-consistency';

/** What a case reports of the gate's result. */
export interface Verdict {
  readonly status: string;
  readonly reason: string;
}

/** One hostile answer for one gate; `run` evaluates it once (the gate is built and warmed beforehand). */
export interface HostileCase {
  readonly name: string;
  readonly kind: 'known' | 'generated';
  /** Builds the answer (outside the measured call, and only when its turn comes, so inputs do not pile up). */
  readonly prepare: () => PreparedCase;
}

export interface PreparedCase {
  /** UTF-8 bytes of the answer (all samples together for self-consistency). */
  readonly bytes: number;
  readonly run: () => Promise<Verdict>;
}

/** The cases of one gate; `close` releases its worker processes. */
export interface GateBattery {
  readonly gate: string;
  readonly warmUp: () => Promise<unknown>;
  readonly cases: readonly HostileCase[];
  readonly close: () => Promise<void>;
}

type Evaluate = (context: ReturnType<typeof gateContext>) => unknown;

const verdictOf = async (pending: unknown): Promise<Verdict> => {
  const result = (await pending) as { status: string; reason?: string };
  return { status: result.status, reason: result.reason ?? '' };
};

/** `unit` repeated to exactly `size` characters (ASCII callers, so bytes = characters). */
const fill = (unit: string, size: number): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

function textCase(name: string, kind: HostileCase['kind'], evaluate: Evaluate, make: () => string): HostileCase {
  return {
    name,
    kind,
    prepare: () => {
      const text = make();
      return { bytes: Buffer.byteLength(text), run: () => verdictOf(evaluate(gateContext({ text }))) };
    },
  };
}

function jsonSchemaBattery(): GateBattery {
  const cap = DEFAULT_MAX_BYTES;
  const gates = new Map<string, Evaluate>();
  // One gate per schema, built outside the timed call (the validator compiles once and is cached).
  const gateFor = (schema: JsonSchema): Evaluate => {
    const key = JSON.stringify(schema);
    let evaluate = gates.get(key);
    if (evaluate === undefined) {
      const gate = jsonSchemaGate({ schema });
      gate.evaluate(gateContext({ text: '0' }));
      evaluate = (context) => gate.evaluate(context);
      gates.set(key, evaluate);
    }
    return evaluate;
  };
  const c = (name: string, kind: HostileCase['kind'], schema: JsonSchema, make: () => string) =>
    textCase(name, kind, gateFor(schema), make);
  const backtracking = { pattern: '^([a-z0-9]+)+$' };
  return {
    gate: 'json-schema',
    warmUp: async () => undefined,
    close: async () => undefined,
    cases: [
      c('exponent in an array nested 255 deep, 524,000 elements', 'known', {}, () => {
        return `${'['.repeat(255)}1e1${',0'.repeat(524_000)}${']'.repeat(255)}`;
      }),
      c("format 'uri', one 80 KB string", 'known', { format: 'uri' }, () =>
        JSON.stringify(`http://${':'.repeat(80_000)} `),
      ),
      c("format 'uri', one 160 KB string", 'known', { format: 'uri' }, () =>
        JSON.stringify(`http://${':'.repeat(160_000)} `),
      ),
      c("format 'url', one 80 KB string", 'known', { format: 'url' }, () =>
        JSON.stringify(`http://${':'.repeat(80_000)} `),
      ),
      c("format 'url', one 160 KB string", 'known', { format: 'url' }, () =>
        JSON.stringify(`http://${':'.repeat(160_000)} `),
      ),
      c('pattern ^([a-z0-9]+)+$, one 1 MiB non-matching string', 'known', backtracking, () =>
        JSON.stringify(`${'a'.repeat(cap - 16)}!`),
      ),
      c(
        'pattern ^([a-z0-9]+)+$, 1 MiB of 40-char non-matching strings',
        'known',
        {
          type: 'array',
          items: backtracking,
        },
        () => `[${Array.from({ length: Math.floor((cap - 8) / 43) }, () => `"${'a'.repeat(39)}!"`).join(',')}]`,
      ),
      c('bare JSON string containing {, 1 MiB', 'known', { type: 'string' }, () =>
        JSON.stringify(`see {${'x'.repeat(cap - 32)}}`),
      ),
      c('deep: arrays nested 256 (at the depth cap)', 'generated', {}, () => `${'['.repeat(256)}${']'.repeat(256)}`),
      c('deep: arrays nested 257 (over the depth cap)', 'generated', {}, () => `${'['.repeat(257)}${']'.repeat(257)}`),
      c('deep: objects nested 255 with a key each', 'generated', {}, () => `${'{"a":'.repeat(255)}0${'}'.repeat(255)}`),
      c(
        `wide: array of ${(DEFAULT_MAX_VALUES - 1).toLocaleString('en')} numbers`,
        'generated',
        {
          type: 'array',
          items: { type: 'integer' },
        },
        () => `[${fill('7,', 2 * (DEFAULT_MAX_VALUES - 2))}7]`,
      ),
      c(
        `wide: object of ${(DEFAULT_MAX_KEYS - 1).toLocaleString('en')} keys`,
        'generated',
        {
          type: 'object',
          additionalProperties: { type: 'integer' },
        },
        () => `{${Array.from({ length: DEFAULT_MAX_KEYS - 1 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
      ),
      c('long: one string just under 1 MiB', 'generated', { type: 'string', maxLength: 10 }, () =>
        JSON.stringify('x'.repeat(cap - 16)),
      ),
      c('long: 1 MiB + 1 byte (over the size cap)', 'generated', {}, () => `"${'x'.repeat(cap - 1)}"`),
      c('repetitive: uniqueItems over 1 MiB of empty arrays', 'generated', { uniqueItems: true }, () => {
        return `[${fill('[],', Math.min(cap - 8, 3 * (DEFAULT_MAX_VALUES - 2)))}[]]`;
      }),
      c('repetitive: 1 MiB of unclosed brackets in prose', 'generated', {}, () => `Answer: ${fill('[{', cap - 16)}`),
    ],
  };
}

const fenced = (language: string, code: string) => `Here it is:\n\n\`\`\`${language}\n${code}\n\`\`\`\n`;

function codeCompilesBattery(language: 'javascript' | 'typescript'): GateBattery {
  const gate = codeCompilesGate({ language });
  const fence = language === 'javascript' ? 'js' : 'ts';
  // Fenced code a little under the source cap (the fence and prose are not counted by the cap).
  const room = DEFAULT_MAX_SOURCE_BYTES - 64;
  const evaluate: Evaluate = (context) => gate.evaluate(context);
  const c = (name: string, kind: HostileCase['kind'], code: () => string) =>
    textCase(name, kind, evaluate, () => fenced(fence, code()));
  const known: HostileCase[] =
    language === 'javascript'
      ? [c('3,000 ( in a ```js fence', 'known', () => '('.repeat(3_000))]
      : [
          c('a lone surrogate in a string literal', 'known', () => `const s: string = "a\uD800b";\nexport { s };`),
          c('exponential type: [T, T] doubled 40 times', 'known', () =>
            [
              'type Double<T, N extends unknown[]> = N extends [unknown, ...infer R] ? Double<[T, T], R> : T;',
              `type Big = Double<string, [${Array(40).fill('0').join(', ')}]>;`,
              'export const big: Big = 1;',
            ].join('\n'),
          ),
          c('recursive type without a base case', 'known', () =>
            ['type Forever<T> = { next: Forever<[T, T]> };', 'export const f: Forever<1> = { next: 1 };'].join('\n'),
          ),
        ];
  return {
    gate: `code-compiles (${language})`,
    warmUp: () => gate.warmUp(),
    close: () => gate.close(),
    cases: [
      ...known,
      c(
        'deep: parentheses nested 250 (under the nesting cap)',
        'generated',
        () => `export const x = ${'('.repeat(250)}1${')'.repeat(250)};`,
      ),
      c(
        'deep: parentheses nested 300 (over the nesting cap)',
        'generated',
        () => `export const x = ${'('.repeat(300)}1${')'.repeat(300)};`,
      ),
      c('wide: statements up to the 256 KiB source cap', 'generated', () => {
        const lines: string[] = [];
        for (let i = 0, size = 0; size < room - 40; i += 1) {
          const line = `export const v${i} = ${i};`;
          lines.push(line);
          size += line.length + 1;
        }
        return lines.join('\n');
      }),
      c(
        'long: one string literal up to the source cap',
        'generated',
        () => `export const s = "${'x'.repeat(room - 24)}";`,
      ),
      c('long: source cap + 1 byte', 'generated', () => `//${'x'.repeat(DEFAULT_MAX_SOURCE_BYTES - 1)}`),
      c('repetitive: 256 KiB of unclosed { (syntax error)', 'generated', () => fill('{', room)),
      c('repetitive: 256 KiB of `;`', 'generated', () => fill(';', room)),
    ],
  };
}

function codeTestsBattery(): GateBattery {
  const tests = ["import * as assert from 'assert'\nassert.strictEqual(typeof answer, 'function');"];
  const gate = codeTestsGate({ language: 'javascript', poolSize: 1, tests: { assertions: tests } });
  const evaluate: Evaluate = (context) => gate.evaluate(context);
  const c = (name: string, kind: HostileCase['kind'], code: () => string) =>
    textCase(name, kind, evaluate, () => fenced('javascript', code()));
  const room = DEFAULT_MAX_SOURCE_BYTES - 64;
  return {
    gate: 'code-tests (javascript)',
    warmUp: () => gate.warmUp(1),
    close: () => gate.close(),
    cases: [
      c('infinite loop', 'generated', () => 'function answer() {}\nwhile (true) {}'),
      c(
        'memory bomb: arrays appended forever',
        'generated',
        () => 'function answer() {}\nconst all = [];\nfor (;;) all.push(new Array(1e6).fill(1));',
      ),
      c(
        'output flood: console.log forever',
        'generated',
        () => "function answer() {}\nfor (;;) console.log('x'.repeat(1000));",
      ),
      c('unbounded recursion', 'generated', () => 'function answer() { return answer(); }\nanswer();'),
      c('deep: 3,000 ( (a syntax error)', 'generated', () => '('.repeat(3_000)),
      c('wide: statements up to the 256 KiB source cap', 'generated', () => {
        const lines = ['function answer() {}'];
        for (let i = 0, size = 0; size < room - 60; i += 1) {
          const line = `const v${i} = ${i};`;
          lines.push(line);
          size += line.length + 1;
        }
        return lines.join('\n');
      }),
      c('long: source cap + 1 byte', 'generated', () => `//${'x'.repeat(DEFAULT_MAX_SOURCE_BYTES - 1)}`),
    ],
  };
}

/** `count` samples of `text`, each with its own last character so no two agree and keys compare in full. */
function samplesOf(text: string, count = 5): Candidate[] {
  return Array.from({ length: count }, (_, i) => ({
    text: text.slice(0, -1) + String.fromCharCode(48 + (i % 10)),
    finishReason: 'stop' as const,
  }));
}

function selfConsistencyBattery(): GateBattery {
  const cap = DEFAULT_MAX_SAMPLE_BYTES;
  const size = 200_000;
  const c = (
    name: string,
    kind: HostileCase['kind'],
    extract: AnswerExtractor<unknown>,
    text: () => string,
  ): HostileCase => {
    const gate = selfConsistencyGate({ samples: 5, extract, threshold: 0.6, minVotes: 1 });
    return {
      name,
      kind,
      prepare: () => {
        const candidates = samplesOf(text());
        return {
          bytes: candidates.reduce((sum, candidate) => sum + Buffer.byteLength(candidate.text), 0),
          run: () => verdictOf(gate.evaluate(gateContext({ candidates }))),
        };
      },
    };
  };
  const code = normalizedCode();
  return {
    gate: 'self-consistency',
    warmUp: async () => undefined,
    close: async () => undefined,
    cases: [
      c(
        'normalizedCode: 5 × 200 KB of block-comment openers',
        'known',
        code,
        () => `\`\`\`ts\n${fill('/*', size - 6)}`,
      ),
      c(
        'normalizedCode: 5 × 200 KB unterminated triple quote',
        'known',
        code,
        () => `\`\`\`python\n"""${fill('a', size - 13)}`,
      ),
      c('normalizedCode: 5 × 200 KB of fence openers', 'known', code, () => fill('```', size)),
      c('normalizedCode: 5 × 200 KB template literal', 'known', code, () => `\`\`\`ts\n\`${fill('a', size - 7)}`),
      c(
        'deep: canonicalJson, arrays nested to the cap',
        'generated',
        canonicalJson(),
        () => `${'['.repeat(cap / 2 - 1)}${']'.repeat(cap / 2 - 1)}`,
      ),
      c(
        'wide: canonicalJson, object of 18,000 keys',
        'generated',
        canonicalJson(),
        () => `{${Array.from({ length: 18_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
      ),
      c('long: normalizedText, 5 × 256 KiB spaced letters', 'generated', normalizedText(), () => fill('a  ', cap)),
      c('repetitive: lastNumber, 5 × 256 KiB of "1,"', 'generated', lastNumber(), () => fill('1,', cap)),
      c('over the cap: 5 × (256 KiB + 1 byte)', 'generated', normalizedText(), () => fill('a', cap + 1)),
    ],
  };
}

function logprobBattery(): GateBattery {
  const tokens = (texts: readonly string[], logprob = -0.1) =>
    texts.map((token) => ({
      token,
      logprob,
      topLogprobs: Array.from({ length: 5 }, (_, i) => ({ token: `${token}${i}`, logprob: logprob - i - 1 })),
    }));
  const c = (
    name: string,
    kind: HostileCase['kind'],
    options: Parameters<typeof logprobGate>[0],
    texts: () => readonly string[],
    logprob = -0.1,
  ): HostileCase => {
    const gate = logprobGate(options);
    return {
      name,
      kind,
      prepare: () => {
        const parts = texts();
        const text = parts.join('');
        const context = gateContext({ candidates: [{ text, finishReason: 'stop', logprobs: tokens(parts, logprob) }] });
        return { bytes: Buffer.byteLength(text), run: () => verdictOf(gate.evaluate(context)) };
      },
    };
  };
  const many = 200_000;
  const words = (count: number) => Array.from({ length: count }, (_, i) => (i === 0 ? 'The' : ` w${i % 97}`));
  const mean = { measure: 'mean-logprob', threshold: -1 } as const;
  return {
    gate: 'logprob',
    warmUp: async () => undefined,
    close: async () => undefined,
    cases: [
      c('a long real answer: 32,000 tokens, mean logprob', 'generated', mean, () => words(32_000)),
      c('long: 200,000 tokens, mean logprob', 'generated', mean, () => words(many)),
      c('deep: json-values span over 100,000 nested [', 'generated', { ...mean, span: 'json-values' }, () => [
        ...Array<string>(100_000).fill('['),
        '1',
        ...Array<string>(100_000).fill(']'),
      ]),
      c('wide: json-values span over 100,000 array values', 'generated', { ...mean, span: 'json-values' }, () => [
        '[',
        ...Array.from({ length: 100_000 }, (_, i) => (i === 0 ? '"a"' : ',"a"')),
        ']',
      ]),
      c(
        'repetitive: after-marker (last) over 200,000 marker tokens',
        'generated',
        {
          ...mean,
          span: { type: 'after-marker', marker: 'Answer:', occurrence: 'last' },
        },
        () => Array<string>(many).fill('Answer:'),
      ),
      c('hostile values: 200,000 tokens of NaN logprob', 'generated', mean, () => words(many), Number.NaN),
    ],
  };
}

/** Every gate's battery, built lazily so a gate's workers start only when its turn comes. */
export const BATTERIES: readonly (() => GateBattery)[] = [
  jsonSchemaBattery,
  () => codeCompilesBattery('javascript'),
  () => codeCompilesBattery('typescript'),
  selfConsistencyBattery,
  logprobBattery,
  codeTestsBattery,
];
