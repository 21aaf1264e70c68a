import { type CascadeRequest, ConfigError, costOf, type Price } from '@llm-cascade/core';
import { readJsonLines } from './json-lines.ts';
import type { EvalLabelRule, ReadExamplesResult, TrainingExample } from './training-example.ts';

export interface ReadEvalDataOptions {
  /** A recording in the eval format (JSONL path), or its records. */
  readonly data: string | Iterable<unknown> | AsyncIterable<unknown>;
  /** Model names as the records' `tiers` name them, cheapest first; the last is the reference. */
  readonly tiers: readonly string[];
  /** Default `as-good-as-reference`. */
  readonly label?: EvalLabelRule;
  /** USD per million tokens by model, to cost each tier's recorded usage. Without them costs are unknown. */
  readonly prices?: Readonly<Record<string, Price>>;
}

interface RecordedCandidateLike {
  readonly correct?: unknown;
}
interface RecordedTierLike {
  readonly candidates?: readonly RecordedCandidateLike[];
  readonly usage?: { readonly inputTokens?: unknown; readonly outputTokens?: unknown };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the reader's options; shared by the file and in-memory forms. */
export function checkLadder(tiers: readonly string[], field = 'tiers'): void {
  if (!Array.isArray(tiers) || tiers.length < 2 || tiers.some((t) => typeof t !== 'string' || t.length === 0)) {
    throw new ConfigError(field, 'must list at least two tier names, cheapest first');
  }
  if (new Set(tiers).size !== tiers.length) throw new ConfigError(field, 'must not repeat a tier');
}

async function* records(data: ReadEvalDataOptions['data']): AsyncGenerator<{ value: unknown; where: string }> {
  if (typeof data === 'string') {
    for await (const { line, value } of readJsonLines(data)) yield { value, where: `${data} line ${line}` };
    return;
  }
  let index = 0;
  for await (const value of data as AsyncIterable<unknown>) {
    yield { value, where: `record ${index}` };
    index += 1;
  }
}

/** Counts warnings by kind and keeps the first example of each. */
export function warningCollector(): { add(kind: string, example: string): void; list(): string[] } {
  const seen = new Map<string, { count: number; example: string }>();
  return {
    add(kind, example) {
      const entry = seen.get(kind);
      if (entry === undefined) seen.set(kind, { count: 1, example });
      else entry.count += 1;
    },
    list: () => [...seen].map(([kind, { count, example }]) => `${kind}: ${count} (first: ${example})`),
  };
}

/**
 * Reads labelled examples from recorded data in the eval format (`{ id, request, reference?, tiers:
 * { <model>: { candidates: [{ text, correct? }], usage } } }`). A tier's first candidate is its answer
 * (what one call returns). Labels follow `label`; a tier missing from a record, or without a `correct`
 * mark, is unknown for that record. A record without a request is skipped with a warning.
 */
export async function readEvalData(options: ReadEvalDataOptions): Promise<ReadExamplesResult> {
  checkLadder(options.tiers);
  const rule = options.label ?? 'as-good-as-reference';
  if (rule !== 'as-good-as-reference' && rule !== 'correct') {
    throw new ConfigError('label', `must be 'as-good-as-reference' or 'correct', got ${JSON.stringify(rule)}`);
  }
  const tiers = options.tiers;
  const warnings = warningCollector();
  const examples: TrainingExample[] = [];
  const seenTiers = new Set<string>();
  for await (const { value, where } of records(options.data)) {
    if (!isObject(value) || typeof value.id !== 'string' || !isObject(value.request) || !isObject(value.tiers)) {
      warnings.add('not an eval record (id, request, tiers), skipped', where);
      continue;
    }
    const recorded = value.tiers as Record<string, RecordedTierLike>;
    for (const name of Object.keys(recorded)) seenTiers.add(name);
    const correct = tiers.map((tier) => {
      const mark = recorded[tier]?.candidates?.[0]?.correct;
      return typeof mark === 'boolean' ? mark : undefined;
    });
    const reference = correct[correct.length - 1];
    const labels = correct.map((mark) =>
      mark === undefined
        ? undefined
        : rule === 'correct'
          ? mark
          : reference === undefined
            ? undefined
            : mark || !reference,
    );
    if (labels.every((label) => label === undefined)) {
      warnings.add('no tier of the ladder has a correct mark, skipped', `${where} (${value.id})`);
      continue;
    }
    const costUsd = tiers.map((tier) => {
      const price = options.prices?.[tier];
      const usage = recorded[tier]?.usage;
      if (price === undefined || typeof usage?.inputTokens !== 'number' || typeof usage.outputTokens !== 'number')
        return undefined;
      return costOf({ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }, price);
    });
    examples.push({ id: value.id, request: value.request as CascadeRequest, labels, correct, costUsd });
  }
  const missing = tiers.filter((tier) => !seenTiers.has(tier));
  if (seenTiers.size > 0 && missing.length > 0) {
    throw new ConfigError(
      'tiers',
      `${missing.join(', ')} never appear in the data (it has ${[...seenTiers].join(', ')})`,
    );
  }
  return { source: 'eval', tiers, label: rule, examples, warnings: warnings.list() };
}
