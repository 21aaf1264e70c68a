import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '@llm-cascade/core';
import {
  loadRecordings,
  type RecordedRequest,
  type ReplayProvider,
  replayProvider,
} from '@llm-cascade/provider-replay';
import { labelledProvider } from './candidate-labels.ts';
import type { EvalParams } from './eval-config.ts';
import { type ProbeResult, probeCandidates } from './probe-candidates.ts';
import { mergeById, scorableRecord, toRequest } from './run-eval.ts';
import type { Score, ScoreInput } from './score-answer.ts';
import { seededRandom, shuffled } from './seeded-random.ts';
import type { TuneSpace } from './tune-space.ts';

/** A recording as tune uses it: its scorable records, a label for reports, its SHA-256 when read from a file. */
export interface TuneData {
  readonly records: RecordedRequest[];
  readonly label: string;
  readonly sha256?: string;
}

/** Reads a recording (or takes records), merging lines that share an id; `dropped` counts unscorable records. */
export function loadTuneData(
  data: string | readonly RecordedRequest[],
  field: string,
): TuneData & { readonly dropped: number } {
  let records: RecordedRequest[];
  let label = '(records)';
  let sha256: string | undefined;
  if (typeof data === 'string') {
    records = mergeById(loadRecordings(data).map((entry) => entry.record));
    sha256 = createHash('sha256').update(readFileSync(data)).digest('hex');
    label = resolve(data);
  } else {
    if (!Array.isArray(data)) throw new ConfigError(field, 'must be a recording path or an array of records');
    records = mergeById(data);
  }
  const scorable = records.filter(scorableRecord);
  return {
    records: scorable,
    label,
    ...(sha256 === undefined ? {} : { sha256 }),
    dropped: records.length - scorable.length,
  };
}

/** Holds out a seeded share of the records: the fit part and the held-out part. */
export function splitHoldout(data: TuneData, share: number, seed: number): { fit: TuneData; test: TuneData } {
  const order = shuffled(data.records, seededRandom(seed));
  const held = new Set(order.slice(0, Math.round(order.length * share)).map((r) => r.id));
  return {
    fit: {
      ...data,
      records: data.records.filter((r) => !held.has(r.id)),
      label: `${data.label} (fit ${Number((1 - share).toPrecision(6))}, seed ${seed})`,
    },
    test: {
      records: data.records.filter((r) => held.has(r.id)),
      label: `${data.label} (holdout ${share}, seed ${seed})`,
    },
  };
}

/** The replay provider over some records, with the space's prices and replay options, labelling candidates. */
export function spaceProvider(space: TuneSpace, records: readonly RecordedRequest[]): ReplayProvider {
  const replay = replayProvider({
    records,
    ...(space.prices === undefined ? {} : { prices: space.prices }),
    ...(space.replay?.repairs === undefined ? {} : { repairs: space.replay.repairs }),
    ...(space.replay?.whenExhausted === undefined ? {} : { whenExhausted: space.replay.whenExhausted }),
  });
  return labelledProvider(replay, new Map(records.map((record) => [record.id, record])));
}

/** Probes every candidate of the space on a recording (see `probeCandidates`). */
export function probeData(
  space: TuneSpace,
  data: TuneData,
  context: {
    readonly params: EvalParams;
    readonly score: (input: ScoreInput) => Score;
    readonly concurrency: number;
    readonly signal?: AbortSignal;
  },
): Promise<ProbeResult> {
  return probeCandidates({
    space,
    params: context.params,
    provider: spaceProvider(space, data.records),
    records: data.records,
    requests: data.records.map(space.request ?? toRequest),
    score: context.score,
    concurrency: context.concurrency,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  });
}

/** What went wrong while probing, as report warnings. */
export function probeWarnings(results: readonly (ProbeResult | undefined)[]): string[] {
  const warnings: string[] = [];
  const gateErrors = results.reduce((sum, r) => sum + (r?.gateErrors ?? 0), 0);
  if (gateErrors > 0)
    warnings.push(`${gateErrors} gate verdict(s) while probing were gate errors: the figures are suspect`);
  for (const result of results) {
    for (const [model, count] of Object.entries(result?.unanswered ?? {})) {
      if (count > 0) warnings.push(`${model}: ${count} probe run(s) gave no answer (counted wrong, never accepted)`);
    }
    for (const [model, count] of Object.entries(result?.labelMismatches ?? {})) {
      if (count > 0) {
        warnings.push(
          `${model}: ${count} answer(s) scored differently gated and ungated (the ungated verdict is used)`,
        );
      }
    }
  }
  return warnings;
}
