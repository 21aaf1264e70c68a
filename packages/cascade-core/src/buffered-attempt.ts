import type { AttemptStrategy } from './attempt.ts';
import { callTier } from './call-tier.ts';
import { runGateChain } from './gate-chain.ts';

/**
 * The attempt strategy of `run()`: call the tier for its whole answer, then run the gate chain on it.
 * Nothing reaches the caller before the gates have passed it.
 */
export const bufferedAttempt: AttemptStrategy = {
  produce: ({ run, plan, parent, counter, onCallSettled }) =>
    callTier({
      counter,
      tier: plan.tier,
      request: plan.request,
      signal: plan.signal,
      parent,
      recordContent: run.cascade.options.recordContent === true,
      spans: run,
      onCallSettled,
    }),
  judge: ({ run, plan, parent }, output) => runGateChain(run, plan, output, parent),
};
