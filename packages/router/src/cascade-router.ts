import type { CascadeRequest, Router as CoreRouter } from '@llm-cascade/core';
import { ConfigError } from '@llm-cascade/core';
import type { RouteDecision, Router } from './create-router.ts';

export interface CascadeRouterOptions {
  /**
   * Cascade tier names by router tier name, where they differ (a router trained on recorded data names
   * models: `{ 'gpt-4o-mini': 'mini', 'gpt-4o': 'large' }`). Unlisted tiers keep their name.
   */
  readonly tierNames?: Readonly<Record<string, string>>;
  /**
   * Receives each decision with its request (for logs, metrics or a span attribute); a throwing listener
   * is ignored, never fails the run.
   */
  readonly onDecision?: (decision: RouteDecision, request: CascadeRequest) => void;
}

/**
 * Adapts a router to the `router` option of today's `createCascade`: it returns the start tier's name.
 * The engine takes the higher of it and the run's `minTier`, then climbs the whole ladder on failure:
 * a lane only chooses where the run starts, since the engine does not know lanes yet.
 */
export function toCascadeRouter(router: Router, options: CascadeRouterOptions = {}): CoreRouter {
  const names = options.tierNames ?? {};
  for (const tier of Object.keys(names)) {
    if (!router.tiers.includes(tier)) {
      throw new ConfigError(`tierNames.${tier}`, `names no tier of the router (${router.tiers.join(', ')})`);
    }
  }
  const onDecision = options.onDecision;
  return (request) => {
    const decision = router.decide(request);
    if (onDecision !== undefined) {
      try {
        onDecision(decision, request);
      } catch {
        // A listener must not change the routing or fail the run.
      }
    }
    return names[decision.tier] ?? decision.tier;
  };
}

/**
 * A decision as flat span or log attributes (`llm_cascade.router.*`): tier, lane, reason, each tier's
 * probability, and the top contributions as `feature=value` strings. Carries no prompt text except the
 * n-gram names in contributions; leave `contributions` out where prompts are sensitive.
 */
export function decisionAttributes(
  decision: RouteDecision,
  options: { readonly contributions?: boolean } = {},
): Record<string, string | number | string[]> {
  const attributes: Record<string, string | number | string[]> = {
    'llm_cascade.router.tier': decision.tier,
    'llm_cascade.router.reason': decision.reason,
  };
  if (decision.lane !== undefined) attributes['llm_cascade.router.lane'] = decision.lane;
  for (const { tier, probability } of decision.probabilities) {
    attributes[`llm_cascade.router.probability.${tier}`] = Number(probability.toFixed(4));
  }
  if (options.contributions !== false && decision.contributions.length > 0) {
    attributes['llm_cascade.router.contributions'] = decision.contributions.map(
      ({ feature, contribution }) => `${feature}=${contribution.toFixed(3)}`,
    );
  }
  return attributes;
}
