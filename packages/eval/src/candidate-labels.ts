import type { Candidate, GenerateOptions, Generation, ProviderRequest } from '@llm-cascade/core';
import type { RecordedRequest, RecordedTier, ReplayProvider } from '@llm-cascade/provider-replay';

// A symbol-keyed own property survives the object spreads of provider wrappers (a mixed-representation
// provider copies each candidate), and the engine keeps candidate objects as they come.
const LABEL = Symbol('llm-cascade.eval.correct');

type Labelled = Candidate & { readonly [LABEL]?: boolean };

/** The recording's `correct` for a served candidate: at its served position if the text matches, else by text. */
function labelFor(tier: RecordedTier, candidate: Candidate, position: number): boolean | undefined {
  const atPosition = tier.candidates[position];
  if (atPosition !== undefined && atPosition.text === candidate.text && atPosition.correct !== undefined) {
    return atPosition.correct;
  }
  for (const recorded of tier.candidates) {
    if (recorded.text === candidate.text && recorded.correct !== undefined) return recorded.correct;
  }
  return undefined;
}

/**
 * Wraps the replay provider so each served candidate carries the recording's `correct` label, read back
 * with `candidateLabel` after the run. Replay itself drops the label (a real provider has none), and the
 * chosen candidate may come from a wrapper that regroups or copies candidates, so matching after the fact
 * by position alone would be wrong.
 */
export function labelledProvider(
  replay: ReplayProvider,
  records: ReadonlyMap<string, RecordedRequest>,
): ReplayProvider {
  return {
    ...replay,
    async generate(request: ProviderRequest, options: GenerateOptions): Promise<Generation> {
      const generation = await replay.generate(request, options);
      const tier = request.requestId === undefined ? undefined : records.get(request.requestId)?.tiers[request.model];
      if (tier === undefined) return generation;
      const candidates = generation.candidates.map((candidate, i): Candidate => {
        const label = labelFor(tier, candidate, i);
        return label === undefined ? candidate : ({ ...candidate, [LABEL]: label } as Labelled);
      });
      return { ...generation, candidates };
    },
  };
}

/** The `correct` label `labelledProvider` attached to a candidate, if any. */
export function candidateLabel(candidate: Candidate): boolean | undefined {
  return (candidate as Labelled)[LABEL];
}
