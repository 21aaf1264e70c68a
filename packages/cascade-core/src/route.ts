import type { CascadeRequest } from './contracts.ts';
import { ConfigError } from './errors.ts';

/**
 * A router's decision with its explanation. Structural and minimal, so a richer decision (the
 * `@llm-cascade/router` one, with `tierIndex`, `explainedTier`, `session`...) passes straight through and
 * reaches `result.route` whole.
 */
export interface RouteDecision {
  /** The start tier (name or index); floors and `minTier` still win when they are higher. */
  readonly tier: string | number;
  /** Which route the router took (a lane, a model, a rule). */
  readonly lane?: string;
  readonly probabilities?: readonly { readonly tier: string; readonly probability: number }[];
  readonly contributions?: readonly { readonly feature: string; readonly contribution: number }[];
  readonly reason?: string;
}

/** What a router may return: a tier, a decision, nothing (start at the floor), or a promise of one. */
export type RouterAnswer = string | number | RouteDecision | undefined;

/**
 * Chooses a start tier for a request: a tier name or index, or a `RouteDecision` (possibly async). It can
 * only raise the start tier above the floors, never lower it.
 */
export type Router = (request: CascadeRequest) => RouterAnswer | Promise<RouterAnswer>;

/** A router's answer as a decision: `{ tier }` for a bare name or index; checks the shape of an object. */
export function routeDecision(answer: RouterAnswer): RouteDecision | undefined {
  if (answer === undefined || typeof answer === 'string' || typeof answer === 'number') {
    return answer === undefined ? undefined : { tier: answer };
  }
  if (typeof answer !== 'object' || answer === null || !('tier' in answer)) {
    throw new ConfigError('router', 'must return a tier name or index, a decision { tier, ... }, or undefined');
  }
  if (answer.lane !== undefined && typeof answer.lane !== 'string') {
    throw new ConfigError('router', 'returned a decision whose lane is not a string');
  }
  if (answer.reason !== undefined && typeof answer.reason !== 'string') {
    throw new ConfigError('router', 'returned a decision whose reason is not a string');
  }
  return answer;
}
