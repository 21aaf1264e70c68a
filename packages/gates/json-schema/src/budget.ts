/**
 * A time budget for the checks that could grow with hostile input (patterns, formats, uniqueItems). The
 * event loop cannot be interrupted mid-call, so each such check is bounded on its own (linear engines,
 * length caps) and consults this budget first: once it is spent, the validation stops and fails closed.
 */

/** Milliseconds of pattern, format and uniqueItems checks one validation may spend before it fails closed. */
export const VALIDATION_BUDGET_MS = 15;

/** Thrown by a check when the validation's budget is spent; the validator turns it into a failure. */
export class BudgetExceededError extends Error {
  constructor(message = `the checks took over ${VALIDATION_BUDGET_MS} ms`) {
    super(message);
    this.name = 'BudgetExceededError';
  }
}

/**
 * Work (about one unit a character checked) a validation does before the clock is consulted at all, so a
 * garbage-collection pause can never fail an ordinary answer: only a validation that has done this much
 * work and is past its deadline stops. RE2 characters count 8 units (its worst case is about 8 times V8's).
 */
export const BUDGET_FREE_WORK = 16_384;

let deadline = Number.POSITIVE_INFINITY;
let work = 0;

/** Runs a validation under a fresh budget (nesting keeps the outer deadline). */
export function withBudget<T>(milliseconds: number, run: () => T): T {
  const outer = deadline;
  const outerWork = work;
  deadline = Math.min(outer, performance.now() + milliseconds);
  work = 0;
  try {
    return run();
  } finally {
    deadline = outer;
    work = outerWork;
  }
}

/** Records `units` of work; throws `BudgetExceededError` once the current validation's budget is spent. */
export function spend(units: number): void {
  work += units;
  if (work > BUDGET_FREE_WORK && deadline !== Number.POSITIVE_INFINITY && performance.now() > deadline) {
    throw new BudgetExceededError();
  }
}
