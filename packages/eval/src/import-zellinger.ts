import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@llm-cascade/core';
import type { RecordedRequest, RecordedTier } from '@llm-cascade/provider-replay';
import { type ImportSummary, writeRecords } from './import-summary.ts';
import { readJsonLines } from './json-lines.ts';

/** Benchmarks whose recorded confidence is the logprob of the answer's single token. */
const ANSWER_TOKEN_BENCHMARKS = new Set(['mmlu', 'medmcqa']);

/**
 * Suffix of the second name each model is recorded under: `gpt-4o/answer-only` is the answering call alone,
 * billed as such, with a confidence only where that call gave one (the answer token's logprob, MMLU and
 * MedMCQA). The plain name carries the confidence and is billed for every call it took (see `importZellinger`).
 */
export const ANSWER_ONLY_SUFFIX = '/answer-only';

/** The recorded name of a model's answering call alone: `gpt-4o` -> `gpt-4o/answer-only`. */
export function answerOnly(model: string): string {
  return `${model}${ANSWER_ONLY_SUFFIX}`;
}

const BASE_PRICES: Readonly<Record<string, { inputPerMTok: number; outputPerMTok: number }>> = {
  'llama3.2-1b': { inputPerMTok: 0.1, outputPerMTok: 0.1 },
  'llama3.2-3b': { inputPerMTok: 0.1, outputPerMTok: 0.1 },
  'llama3.1-8b': { inputPerMTok: 0.2, outputPerMTok: 0.2 },
  'llama3.1-70b': { inputPerMTok: 0.9, outputPerMTok: 0.9 },
  'llama3.1-405b': { inputPerMTok: 3, outputPerMTok: 3 },
  'qwen2.5-32b-coder-instruct': { inputPerMTok: 0.9, outputPerMTok: 0.9 },
  'qwen2.5-72b-instruct': { inputPerMTok: 0.9, outputPerMTok: 0.9 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
};

/**
 * Published prices of the recorded models (USD per million tokens), from the data's README
 * (`hcma/models.json` of the source repository), under both recorded names of each model (`gpt-4o` and
 * `gpt-4o/answer-only`). Give them to an evaluation config's `prices`.
 */
export const ZELLINGER_PRICES: Readonly<Record<string, { inputPerMTok: number; outputPerMTok: number }>> =
  Object.fromEntries(
    Object.entries(BASE_PRICES).flatMap(([model, price]) => [
      [model, price],
      [answerOnly(model), price],
    ]),
  );

/**
 * The self-verification call hidden in a recorded `cost_usd`: what is left after the answering call's tokens
 * at the published price, as one output token (the "Y"/"N") plus the input tokens that price implies.
 * Undefined when nothing is left (the confidence came with the answer) or the model's price is unknown.
 */
function verificationUsage(
  model: string,
  answer: ZellingerAnswer,
): { inputTokens: number; outputTokens: number; exact: boolean } | undefined {
  const price = BASE_PRICES[model];
  if (price === undefined || typeof answer.cost_usd !== 'number') return undefined;
  const answering = (answer.tokens_in * price.inputPerMTok + answer.tokens_out * price.outputPerMTok) / 1e6;
  const left = answer.cost_usd - answering;
  if (!(left > 1e-12)) return undefined;
  const inputTokens = Math.max(0, Math.round(((left - price.outputPerMTok / 1e6) * 1e6) / price.inputPerMTok));
  const billed = (inputTokens * price.inputPerMTok + price.outputPerMTok) / 1e6;
  return { inputTokens, outputTokens: 1, exact: Math.abs(billed - left) <= 1e-9 + 1e-6 * left };
}

export interface ImportZellingerOptions {
  /** The `zellinger_llm_cascades` folder. */
  readonly folder: string;
  readonly output: string;
  /** Benchmarks to convert (`mmlu`, `medmcqa`, `triviaqa`, `truthfulqa`, `gsm8k`). Default: every file of the split. */
  readonly benchmarks?: readonly string[];
  /** Default `train` (the only split in the shared folder). */
  readonly split?: string;
}

interface ZellingerAnswer {
  readonly answer: string;
  readonly correct: boolean;
  readonly conf_logprob: number;
  readonly cost_usd?: number;
  readonly tokens_in: number;
  readonly tokens_out: number;
  readonly latency_ms?: number;
}

interface ZellingerRow {
  readonly id: string;
  readonly dataset: string;
  readonly prompt: string;
  readonly gold?: unknown;
  readonly subject?: string;
  readonly models: Readonly<Record<string, ZellingerAnswer>>;
}

function isAnswer(value: unknown): value is ZellingerAnswer {
  const a = value as Partial<ZellingerAnswer> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.answer === 'string' &&
    typeof a.correct === 'boolean' &&
    typeof a.conf_logprob === 'number' &&
    typeof a.tokens_in === 'number' &&
    typeof a.tokens_out === 'number'
  );
}

/** The files to convert, in a stable order. */
function filesOf(options: ImportZellingerOptions): string[] {
  const split = options.split ?? 'train';
  if (!/^[\w-]+$/.test(split)) throw new ConfigError('split', `must be a plain name, got ${JSON.stringify(split)}`);
  if (options.benchmarks !== undefined && options.benchmarks.length > 0) {
    return options.benchmarks.map((benchmark) => {
      if (!/^[\w-]+$/.test(benchmark)) throw new ConfigError('benchmarks', `bad name ${JSON.stringify(benchmark)}`);
      const file = join(options.folder, `${benchmark}_${split}.jsonl`);
      if (!existsSync(file)) throw new ConfigError('benchmarks', `no ${file}`);
      return file;
    });
  }
  if (!existsSync(options.folder)) throw new ConfigError('folder', `no folder ${options.folder}`);
  const files = readdirSync(options.folder)
    .filter((name) => name.endsWith(`_${split}.jsonl`))
    .sort()
    .map((name) => join(options.folder, name));
  if (files.length === 0) throw new ConfigError('folder', `no *_${split}.jsonl file in ${options.folder}`);
  return files;
}

/**
 * Converts the Zellinger et al. cascade data (`zellinger_llm_cascades/`: 9 models answering every query,
 * each answer with a correctness label and a logprob confidence) into the recording format, streaming
 * each file. Per model, one candidate: the answer text, `correct` from the data, and the confidence as ONE
 * logprob entry spanning the whole answer, so a `logprobGate` with `first-token-probability` or
 * `mean-logprob` reads exactly the recorded signal. Usage is the answering call's tokens; latency is kept.
 * The record's `reference` is the gold answer (absent for TriviaQA), `source` holds the benchmark, the
 * subject and which signal the confidence is.
 *
 * Every call is billed. For MMLU and MedMCQA the confidence is the logprob of the one-token answer, free with
 * it. For TriviaQA, TruthfulQA and GSM8K it is a second call's P(True) self-verification, stood in as a
 * logprob; that call is in the data's `cost_usd` but not in its token counts, so the importer adds it to the
 * model's usage (one output token and the input tokens its cost implies at the published price). Each model
 * is also recorded as `<model>/answer-only`: the answering call alone, for a tier that does not need the
 * confidence (the last tier, a model alone), with the confidence kept only where it came with the answer.
 * `-1e9` in the data stands for a zero probability and is kept (JSON has no -Infinity).
 */
export async function importZellinger(options: ImportZellingerOptions): Promise<ImportSummary> {
  const files = filesOf(options);
  const warnings = new Set<string>();
  async function* records(): AsyncGenerator<RecordedRequest | undefined> {
    for (const file of files) {
      for await (const { value: row, line } of readJsonLines<ZellingerRow>(file)) {
        if (typeof row?.id !== 'string' || typeof row.prompt !== 'string' || typeof row.models !== 'object') {
          warnings.add(`${file} line ${line}: not a query row (no id, prompt or models), skipped`);
          yield undefined;
          continue;
        }
        const tiers: Record<string, RecordedTier> = {};
        for (const [model, answer] of Object.entries(row.models)) {
          if (!isAnswer(answer)) {
            warnings.add(`${file} line ${line}: model ${model} has no usable answer, left out`);
            continue;
          }
          const logprobs = [{ token: answer.answer, logprob: Math.min(0, answer.conf_logprob) }];
          const usage = { inputTokens: answer.tokens_in, outputTokens: answer.tokens_out };
          const latency = typeof answer.latency_ms === 'number' ? { latencyMs: answer.latency_ms } : {};
          const extra = ANSWER_TOKEN_BENCHMARKS.has(row.dataset) ? undefined : verificationUsage(model, answer);
          if (!ANSWER_TOKEN_BENCHMARKS.has(row.dataset) && extra === undefined) {
            warnings.add(
              BASE_PRICES[model] === undefined
                ? `${file}: no published price for ${model}: its self-verification call is not billed`
                : `${file}: no self-verification call in the cost of ${model} on some lines: billed as the answer alone`,
            );
          }
          if (extra !== undefined && !extra.exact) {
            warnings.add(
              `${file}: the verification cost of ${model} is not whole tokens at its price on some lines: rounded`,
            );
          }
          tiers[model] = {
            candidates: [{ text: answer.answer, correct: answer.correct, logprobs }],
            usage:
              extra === undefined
                ? usage
                : {
                    inputTokens: usage.inputTokens + extra.inputTokens,
                    outputTokens: usage.outputTokens + extra.outputTokens,
                  },
            ...latency,
          };
          tiers[answerOnly(model)] = {
            candidates: [
              {
                text: answer.answer,
                correct: answer.correct,
                ...(ANSWER_TOKEN_BENCHMARKS.has(row.dataset) ? { logprobs } : {}),
              },
            ],
            usage,
            ...latency,
          };
        }
        if (Object.keys(tiers).length === 0) {
          yield undefined;
          continue;
        }
        const benchmark = row.dataset;
        const record: RecordedRequest & { readonly source: Readonly<Record<string, string>> } = {
          id: row.id,
          request: { prompt: row.prompt },
          ...(row.gold === undefined || row.gold === null ? {} : { reference: row.gold }),
          tiers,
          source: {
            dataset: 'zellinger_llm_cascades',
            benchmark,
            ...(row.subject === undefined ? {} : { subject: row.subject }),
            confidence: ANSWER_TOKEN_BENCHMARKS.has(benchmark) ? 'answer-token-logprob' : 'self-verification-p-true',
          },
        };
        yield record;
      }
    }
  }
  const summary = await writeRecords(options.output, records());
  return { ...summary, warnings: [...warnings] };
}
