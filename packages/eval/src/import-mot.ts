import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@llm-cascade/core';
import type { RecordedCandidate, RecordedRequest, RecordedTier } from '@llm-cascade/provider-replay';
import { type ImportSummary, writeRecords } from './import-summary.ts';
import { readJsonLines } from './json-lines.ts';

/** The MoT-cascade datasets with a file in the folder (`date.jsonl`, the others `<name>_gpt4.jsonl`). */
export const MOT_DATASETS = ['date', 'gsm8k', 'asdiv', 'tabmwp', 'navigate', 'crepe'] as const;
export type MotDataset = (typeof MOT_DATASETS)[number];

export interface ImportMotOptions {
  /** The `mot_cascade` folder (README, `<dataset>.jsonl`, `prompt_token_counts.json`). */
  readonly folder: string;
  /** Where the recording goes (`-` for stdout). */
  readonly output: string;
  /** Default `date`, the only dataset with the weak model's samples. */
  readonly dataset?: MotDataset;
  /**
   * Samples kept per config, from the first (the paper's cascade uses 7 of each). Default: all recorded.
   * Output tokens are the recorded count for the samples kept: the tokens of all of them joined, or of the
   * first seven joined for 7; for other counts the sum of the kept samples' own counts (newline separators
   * not counted).
   */
  readonly samples?: number;
}

/** One recorded config of one model. */
interface MotRun {
  readonly results: readonly (string | number | null)[];
  readonly out_tokens: readonly number[];
  readonly join7_tokens?: number;
  readonly join_all_tokens: number;
}

interface MotRow {
  readonly id: string;
  readonly dataset?: string;
  readonly question?: string;
  readonly gold?: string | number | null;
  readonly [model: string]: unknown;
}

/** The prompt file's dataset name in `prompt_token_counts.json`, where it differs. */
const PROMPT_DATASET: Readonly<Record<string, string>> = { navigate: 'navigation' };

/**
 * Where JSON numbers were written with a decimal point (`18.0`): Python's repr, which the paper's
 * correctness rule reads, keeps it and `JSON.parse` drops it. Keyed by the array or object holding them.
 */
function parseKeepingNumberText(text: string): {
  row: unknown;
  sourceOf: (holder: object, key: string) => string | undefined;
} {
  const sources = new WeakMap<object, Map<string, string>>();
  const reviver = function (this: object, key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === 'number' && context?.source !== undefined && context.source !== String(value)) {
      let map = sources.get(this);
      if (map === undefined) {
        map = new Map();
        sources.set(this, map);
      }
      map.set(key, context.source);
    }
    return value;
  };
  const row = JSON.parse(text, reviver as (this: unknown, key: string, value: unknown) => unknown);
  return { row, sourceOf: (holder, key) => sources.get(holder)?.get(key) };
}

/** Decimals of a number's written form; a form without `.` counts as 5, as the paper's rule says. */
function decimalsOf(text: string): number {
  const point = text.indexOf('.');
  if (point < 0) return 5;
  return text.slice(point + 1).replace(/[eE].*$/, '').length;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * The MoT-cascade repo's `finqa_equal`: a string on either side compares as exact text (so `5/1/2021` is
 * not `05/01/2021`); two numbers compare after rounding both to the fewer decimals of their written forms
 * (no `.` counts as 5). A missing prediction is wrong.
 */
export function finqaEqual(
  prediction: string | number | null | undefined,
  gold: string | number | null | undefined,
  texts: { readonly prediction?: string; readonly gold?: string } = {},
): boolean {
  if (prediction === null || prediction === undefined || gold === null || gold === undefined) return false;
  const predictionText = texts.prediction ?? String(prediction);
  const goldText = texts.gold ?? String(gold);
  if (typeof prediction === 'string' || typeof gold === 'string') return predictionText === goldText;
  const decimals = Math.min(decimalsOf(predictionText), decimalsOf(goldText));
  return roundTo(prediction, decimals) === roundTo(gold, decimals);
}

function isRun(value: unknown): value is MotRun {
  const run = value as Partial<MotRun> | null;
  return (
    typeof run === 'object' &&
    run !== null &&
    Array.isArray(run.results) &&
    Array.isArray(run.out_tokens) &&
    typeof run.join_all_tokens === 'number'
  );
}

/** `cot1_runA`, `greedy_pot2`, `cot1_t0.8` -> `cot1`, `pot2`, `cot1`: the few-shot prompt a config used. */
function promptOf(config: string): string | undefined {
  return /^(?:greedy_)?((?:cot|pot)\d+)/i.exec(config)?.[1]?.toLowerCase();
}

function promptTokens(counts: Readonly<Record<string, number>>, dataset: string, config: string): number | undefined {
  const prompt = promptOf(config);
  if (prompt === undefined) return undefined;
  const prefix = PROMPT_DATASET[dataset] ?? dataset;
  for (const [key, count] of Object.entries(counts)) {
    const [file, name] = key.split('.');
    if (file === prefix && name !== undefined && `${name.toLowerCase()}_`.includes(`_${prompt}_`)) return count;
  }
  return undefined;
}

function outputTokens(run: MotRun, kept: number): number {
  if (kept >= run.results.length && kept >= run.out_tokens.length) return run.join_all_tokens;
  if (kept === 7 && run.join7_tokens !== undefined) return run.join7_tokens;
  return run.out_tokens.slice(0, kept).reduce((sum, tokens) => sum + tokens, 0);
}

/**
 * Converts the MoT-cascade data (Yue et al., ICLR 2024; `mot_cascade/` of the shared data) into the
 * recording format, streaming the file. Each config becomes a model named `<model>/<config>`
 * (`gpt-3.5-turbo/cot1_runA`, `gpt-4/cot1`), whose candidates are the parsed answers of its samples (a
 * failed parse or program is an empty answer) labelled `correct` by the repo's `finqaEqual` against the
 * gold answer, which becomes the record's `reference`. Input tokens are the config's few-shot prompt, as
 * the paper counts cost (the question is not counted); output tokens are the recorded counts (see
 * `samples`). The request is the question as a prompt (the few-shot prompts are not in the data).
 *
 * Warning: the recording holds parsed answers, not the samples' full text: a cascade over it votes on
 * answers, which is what the paper does.
 */
export async function importMot(options: ImportMotOptions): Promise<ImportSummary> {
  const dataset = options.dataset ?? 'date';
  if (!MOT_DATASETS.includes(dataset)) {
    throw new ConfigError('dataset', `must be one of ${MOT_DATASETS.join(', ')}, got ${JSON.stringify(dataset)}`);
  }
  const samples = options.samples;
  if (samples !== undefined && !(Number.isInteger(samples) && samples >= 1)) {
    throw new ConfigError('samples', `must be a whole number at least 1, got ${String(samples)}`);
  }
  const file = join(options.folder, dataset === 'date' ? 'date.jsonl' : `${dataset}_gpt4.jsonl`);
  if (!existsSync(file)) throw new ConfigError('folder', `no ${file}: is this the mot_cascade folder?`);
  const countsFile = join(options.folder, 'prompt_token_counts.json');
  const counts: Record<string, number> = existsSync(countsFile)
    ? (JSON.parse(readFileSync(countsFile, 'utf8')) as Record<string, number>)
    : {};
  const warnings = new Set<string>();

  async function* records(): AsyncGenerator<RecordedRequest> {
    for await (const { value } of readJsonLines<{
      row: unknown;
      sourceOf: (h: object, k: string) => string | undefined;
    }>(file, parseKeepingNumberText)) {
      const { sourceOf } = value;
      const row = value.row as MotRow;
      if (typeof row?.id !== 'string' || typeof row.question !== 'string') {
        throw new ConfigError('folder', `${file}: a row without id or question`);
      }
      const gold = row.gold ?? null;
      const goldText = typeof gold === 'number' ? sourceOf(row, 'gold') : undefined;
      const tiers: Record<string, RecordedTier> = {};
      for (const [model, configs] of Object.entries(row)) {
        if (typeof configs !== 'object' || configs === null || Array.isArray(configs)) continue;
        for (const [config, run] of Object.entries(configs as Record<string, unknown>)) {
          if (!isRun(run)) continue;
          const kept = Math.min(samples ?? run.results.length, run.results.length);
          const candidates: RecordedCandidate[] = run.results.slice(0, kept).map((answer, i) => {
            const text = answer === null ? '' : String(answer);
            const answerText = typeof answer === 'number' ? sourceOf(run.results, String(i)) : undefined;
            return {
              text,
              correct: finqaEqual(answer, gold, {
                ...(answerText === undefined ? {} : { prediction: answerText }),
                ...(goldText === undefined ? {} : { gold: goldText }),
              }),
            };
          });
          if (candidates.length === 0) continue;
          const input = promptTokens(counts, row.dataset ?? dataset, config);
          if (input === undefined) warnings.add(`no prompt token count for ${config}: input tokens recorded as 0`);
          tiers[`${model}/${config}`] = {
            candidates,
            usage: { inputTokens: input ?? 0, outputTokens: outputTokens(run, kept) },
          };
        }
      }
      yield {
        id: row.id,
        request: { prompt: row.question },
        ...(gold === null ? {} : { reference: gold }),
        tiers,
      };
    }
  }
  const summary = await writeRecords(options.output, records());
  return { ...summary, warnings: [...warnings] };
}
