import { ConfigError, type ProviderRequest } from '@llm-cascade/core';

export interface ScriptedAnswersOptions<Item extends { readonly id: string }, Tier extends string, Answer> {
  /** The hand-written items; each call names its item by the request id. */
  readonly items: readonly Item[];
  /** The model behind each tier, as the example's cascade names it: a call is matched to its tier by model. */
  readonly models: { readonly [tier in Tier]: string };
  /** The answers written for an item on a tier, in call order: the first answer, then each repair's. */
  readonly answers: (item: Item, tier: Tier) => readonly Answer[] | undefined;
}

/** Hands out a script's answers in order and checks afterwards that every one was asked for. */
export interface ScriptedAnswers<Answer> {
  /** The next answer for this call's item and tier; throws when the script has none left. */
  next(request: ProviderRequest): Answer;
  /**
   * Throws unless every written answer was served exactly once: an answer left over means the script and
   * the cascade disagree about the path a request takes, and the recording would not show what it claims.
   */
  assertAllServed(): void;
}

/**
 * The bookkeeping behind a recording writer's scripted provider: which item a call is for (its request id),
 * which tier (its model), and how many answers that pair has had.
 */
export function scriptedAnswers<Item extends { readonly id: string }, Tier extends string, Answer>(
  options: ScriptedAnswersOptions<Item, Tier, Answer>,
): ScriptedAnswers<Answer> {
  const tiers = Object.keys(options.models) as Tier[];
  const tierOfModel = new Map<string, Tier>(tiers.map((tier) => [options.models[tier], tier]));
  if (tierOfModel.size !== tiers.length) throw new ConfigError('models', 'two tiers name the same model');
  const byId = new Map(options.items.map((item) => [item.id, item]));
  const served = new Map<string, number>();
  return {
    next(request) {
      const item = byId.get(request.requestId ?? '');
      const tier = tierOfModel.get(request.model);
      if (item === undefined || tier === undefined) throw new Error(`nothing scripted for ${request.requestId}`);
      const key = `${item.id} ${tier}`;
      const index = served.get(key) ?? 0;
      served.set(key, index + 1);
      const answer = options.answers(item, tier)?.[index];
      if (answer === undefined) throw new Error(`script.ts has no answer ${index + 1} of ${tier} for ${item.id}`);
      return answer;
    },
    assertAllServed() {
      for (const item of options.items) {
        for (const tier of tiers) {
          const written = options.answers(item, tier)?.length ?? 0;
          const used = served.get(`${item.id} ${tier}`) ?? 0;
          if (used !== written) throw new Error(`${item.id}: ${tier} answered ${used} of ${written}`);
        }
      }
    },
  };
}
