import type { OutputRecord } from '@llm-cascade/cli';

/** One attempt of an output record: a tier's call or a repair, with its candidates and gate verdicts. */
export type AttemptRecord = OutputRecord['attempts'][number];
/** One gate's verdict on an attempt. */
export type GateVerdict = AttemptRecord['gates'][number];

/** `repair` for a repair (the same tier asked again with a gate's feedback), otherwise the tier's name. */
export function attemptName(attempt: AttemptRecord): string {
  return attempt.kind === 'repair' ? 'repair' : attempt.tier;
}

/** The verdict of the gate that failed the attempt; undefined when none did (accepted, or a provider error). */
export function failedGateVerdict(attempt: AttemptRecord): GateVerdict | undefined {
  return attempt.gates.find((record) => record.name === attempt.failedGate);
}

/** Why an attempt was not accepted: the failed gate's reason, else the provider error's kind, else the outcome. */
export function failureReason(attempt: AttemptRecord): string {
  return failedGateVerdict(attempt)?.reason ?? attempt.error?.kind ?? attempt.outcome;
}

/** One step of a path: `small ✓`, or `repair ✗ schema-invalid` with the reason it was not accepted. */
export function plainStep(attempt: AttemptRecord): string {
  const who = attemptName(attempt);
  return attempt.outcome === 'accepted' ? `${who} ✓` : `${who} ✗ ${failureReason(attempt)}`;
}

export interface FormatPathOptions {
  readonly record: OutputRecord;
  /** How one attempt reads; default `plainStep`. An example shows what its gates measured here. */
  readonly step?: (attempt: AttemptRecord) => string;
}

/** A request's path up the ladder: every attempt, in order, joined by arrows. */
export function formatPath(options: FormatPathOptions): string {
  return options.record.attempts.map(options.step ?? plainStep).join(' → ');
}
