import type {
  Attempt,
  Candidate,
  CascadeError,
  CascadeResult,
  GateRecord,
  TopTierCost,
  Usage,
} from '@llm-cascade/core';

/** An error as written to the output file: stable `code` first, provider classification when there is one. */
export interface SerialisedError {
  readonly code: string;
  readonly message: string;
  /** The provider error's classification (`rate-limit`, `server`, `auth`, ...), for provider errors. */
  readonly kind?: string;
  /** The HTTP status the provider answered with, when there was one. */
  readonly status?: number;
  /** The offending field, for configuration errors (an invalid request line). */
  readonly field?: string;
}

/** An attempt as written to the output file: every candidate and gate record kept, the error flattened. */
export interface SerialisedAttempt {
  readonly index: number;
  readonly tier: string;
  readonly tierIndex: number;
  readonly model: string;
  readonly responseModel?: string;
  readonly kind: Attempt['kind'];
  readonly outcome: Attempt['outcome'];
  readonly candidates: readonly Candidate[];
  readonly selectedCandidate: number;
  readonly gates: readonly GateRecord[];
  readonly failedGate?: string;
  readonly usage: Usage;
  readonly costUsd: number;
  readonly estimatedCostUsd: number;
  readonly calls: number;
  readonly samplesSaved?: number;
  readonly latencyMs: number;
  readonly startedAt: number;
  readonly error?: SerialisedError;
}

/** One output line for an item the cascade answered (accepted, or returned best-effort and not accepted). */
export interface SuccessRecord {
  readonly id: string;
  readonly ok: true;
  /** False when the cascade returned its best answer without every gate passing (`onExhausted: 'best'`). */
  readonly accepted: boolean;
  readonly outcome: CascadeResult['outcome'];
  readonly tier: string;
  readonly model: string;
  readonly value: unknown;
  readonly text: string;
  readonly costUsd: number;
  readonly topTierCost: TopTierCost;
  readonly latencyMs: number;
  readonly escalations: number;
  readonly repairs: number;
  readonly usage: Usage;
  readonly attempts: readonly SerialisedAttempt[];
}

/** One output line for an item that failed: every tier exhausted, over budget, no tier available, bad request. */
export interface FailureRecord {
  readonly id: string;
  readonly ok: false;
  readonly error: SerialisedError;
  /** What the failed attempts cost. */
  readonly costUsd: number;
  readonly latencyMs: number;
  readonly attempts: readonly SerialisedAttempt[];
}

/** One line of a `llm-cascade run` output file. */
export type OutputRecord = SuccessRecord | FailureRecord;

/** Flattens any error into `{ code, message, kind?, status?, field? }` without its stack or cause chain. */
export function serialiseError(error: unknown): SerialisedError {
  const source = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
    kind?: unknown;
    status?: unknown;
    field?: unknown;
  };
  const message = typeof source.message === 'string' ? source.message : String(error);
  return {
    code: typeof source.code === 'string' ? source.code : 'UNKNOWN',
    message,
    ...(typeof source.kind === 'string' ? { kind: source.kind } : {}),
    ...(typeof source.status === 'number' ? { status: source.status } : {}),
    ...(typeof source.field === 'string' ? { field: source.field } : {}),
  };
}

/** Keeps every field of the attempt (candidates whole) and replaces the error object by its flat form. */
export function serialiseAttempt(attempt: Attempt): SerialisedAttempt {
  const { error, ...rest } = attempt;
  return error === undefined ? rest : { ...rest, error: serialiseError(error) };
}

/** The attempts an error carries (`CascadeExhaustedError`, `BudgetExceededError`, `AbortError`, ...). */
export function attemptsOf(error: unknown): readonly Attempt[] {
  const attempts = (error as { attempts?: unknown } | null)?.attempts;
  return Array.isArray(attempts) ? (attempts as Attempt[]) : [];
}

/** The output line of an answered item. */
export function successRecord(id: string, result: CascadeResult): SuccessRecord {
  return {
    id,
    ok: true,
    accepted: result.accepted,
    outcome: result.outcome,
    tier: result.tier,
    model: result.model,
    value: result.value,
    text: result.text,
    costUsd: result.costUsd,
    topTierCost: result.topTierCost,
    latencyMs: result.latencyMs,
    escalations: result.escalations,
    repairs: result.repairs,
    usage: result.usage,
    attempts: result.attempts.map(serialiseAttempt),
  };
}

/** The output line of a failed item; `latencyMs` is measured by the caller, as errors carry none. */
export function failureRecord(id: string, error: CascadeError | unknown, latencyMs: number): FailureRecord {
  const attempts = attemptsOf(error);
  return {
    id,
    ok: false,
    error: serialiseError(error),
    costUsd: attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0),
    latencyMs,
    attempts: attempts.map(serialiseAttempt),
  };
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return serialiseError(value);
  return value;
}

const UNSERIALISABLE = '[unserialisable value]';

/** Drops the gate values and the result value, the only places a gate could put something JSON cannot hold. */
function withoutValues(record: OutputRecord): OutputRecord {
  const attempts = record.attempts.map((attempt) => ({
    ...attempt,
    gates: attempt.gates.map((gate) => (gate.value === undefined ? gate : { ...gate, value: UNSERIALISABLE })),
  }));
  return record.ok ? { ...record, value: UNSERIALISABLE, attempts } : { ...record, attempts };
}

/**
 * The record as one JSON line ending in `\n`. A gate value that JSON cannot hold (a cycle) is replaced by a
 * marker rather than losing the line; bigints are written as strings.
 */
export function toJsonLine(record: OutputRecord): string {
  try {
    return `${JSON.stringify(record, replacer)}\n`;
  } catch {
    return `${JSON.stringify(withoutValues(record), replacer)}\n`;
  }
}
