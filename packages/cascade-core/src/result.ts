import type { CascadeError } from './cascade-error.ts';
import type { Candidate, GateStatus, Usage } from './contracts.ts';
import type { RouteDecision } from './route.ts';

/**
 * How an attempt came about: the run's `first`, a `retry` after a provider error, a `repair` with a gate's
 * feedback, an `escalation` after a lower tier failed, a `hedge` started because a lower tier was slow, or
 * one of a `race` of tiers called at once.
 */
/** `cache`: an answer accepted earlier for the same request, served from the response cache at no cost. */
export type AttemptKind = 'first' | 'retry' | 'repair' | 'escalation' | 'hedge' | 'race' | 'cache';

/**
 * Why an attempt ended.
 * - `accepted`: every gate passed.
 * - `gate-failed`: a gate failed and the run moved up a tier (or had nowhere left to go).
 * - `repaired`: a gate failed and its feedback went back to the same tier.
 * - `provider-error`: the call failed (see `error`); a retry or an escalation follows.
 * - `budget`: not called, because its estimated cost exceeded what was left of the budget.
 * - `aborted`: the caller's signal fired, or another tier of a hedge or race answered first.
 */
export type AttemptOutcome = 'accepted' | 'gate-failed' | 'repaired' | 'provider-error' | 'budget' | 'aborted';

export interface GateRecord {
  readonly name: string;
  readonly status: GateStatus;
  readonly score?: number;
  readonly reason: string;
  readonly feedback?: string;
  readonly value?: unknown;
  readonly details?: { readonly [key: string]: string | number | boolean | undefined };
  readonly latencyMs: number;
}

export interface Attempt {
  /** Position in the run, from 0. */
  readonly index: number;
  readonly tier: string;
  readonly tierIndex: number;
  /** The model asked for. */
  readonly model: string;
  /** The model the provider said answered. */
  readonly responseModel?: string;
  readonly kind: AttemptKind;
  readonly outcome: AttemptOutcome;
  /** Every candidate the model produced in this attempt, kept whole. */
  readonly candidates: readonly Candidate[];
  /** The candidate the gates selected (the representative of a vote). */
  readonly selectedCandidate: number;
  readonly gates: readonly GateRecord[];
  /** The gate that failed, when one did. */
  readonly failedGate?: string;
  readonly usage: Usage;
  readonly costUsd: number;
  /** Estimated cost checked against the budget before the call. */
  readonly estimatedCostUsd: number;
  /** Provider calls made (several when samples were drawn one call at a time). */
  readonly calls: number;
  /** Samples a gate made unnecessary by settling early (sequential sampling). */
  readonly samplesSaved?: number;
  readonly latencyMs: number;
  readonly startedAt: number;
  readonly error?: CascadeError;
}

/** What running the top tier alone would have cost: measured when it ran, otherwise an estimate. */
export interface TopTierCost {
  readonly usd: number;
  readonly estimated: boolean;
}

export type RunOutcome = 'accepted' | 'exhausted' | 'budget';

export interface CascadeResult<TValue = unknown> {
  /** False only with `onExhausted: 'best'` (or a budget stop returning best-so-far). */
  readonly accepted: boolean;
  readonly outcome: RunOutcome;
  /** The last value a gate produced (parsed JSON, voted answer), or the text when no gate produced one. */
  readonly value: TValue;
  readonly text: string;
  /** The tier that produced the returned answer. */
  readonly tier: string;
  readonly tierIndex: number;
  readonly model: string;
  readonly attempts: readonly Attempt[];
  readonly usage: Usage;
  readonly costUsd: number;
  readonly topTierCost: TopTierCost;
  readonly escalations: number;
  readonly repairs: number;
  readonly latencyMs: number;
  /** The router's decision, as it returned it (`{ tier }` for a bare name or index), when it made one. */
  readonly route?: RouteDecision;
}

/** The outcome of one item of `runMany`: a failed item is a value, never a rejected batch. */
export type BatchItem<TValue = unknown> =
  | { readonly ok: true; readonly index: number; readonly result: CascadeResult<TValue> }
  | { readonly ok: false; readonly index: number; readonly error: CascadeError };
