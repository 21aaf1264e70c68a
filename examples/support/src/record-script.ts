import { type Cascade, CascadeExhaustedError, type CascadeRequest, type Provider } from '@llm-cascade/core';
import {
  type RecordedCandidate,
  type RecordedRequest,
  type RecordingProvider,
  recordingProvider,
} from '@llm-cascade/provider-replay';

/** The note on every line of a hand-written recording, so no reader mistakes it for model output. */
export const HAND_WRITTEN_NOTE =
  'Written by hand for this example (recorded/script.ts); not the output of a real model.';

export interface RecordScriptOptions<Item extends { readonly id: string }, Role extends string> {
  /** The hand-written items, in the order their calls should appear in the recording. */
  readonly items: readonly Item[];
  /** The cascade request for an item; its `id` must be the item's. requests.jsonl holds these. */
  readonly request: (item: Item) => CascadeRequest;
  /**
   * The scripted providers, by the role the example's cascade builder gives them (`{ openai, anthropic }`).
   * Each distinct provider is wrapped in one recorder, however many roles it fills.
   */
  readonly providers: Readonly<Record<Role, Provider>>;
  /** The example's own cascade builder, given the recording providers in the same roles. */
  readonly cascade: (providers: Readonly<Record<Role, Provider>>) => Cascade;
  /** What a recorded candidate keeps (its text, and whatever the example grades it by). */
  readonly candidate: (candidate: RecordedCandidate, item: Item) => object;
  /** The reference answer each line carries for evaluation; leave out for a recording without one. */
  readonly reference?: (item: Item) => unknown;
}

export interface RecordedScript {
  /** The text of requests.jsonl: one request per item, in order. */
  readonly requests: string;
  /** The text of the recording: one line per provider call, in the replay format. */
  readonly recording: string;
}

/**
 * Runs the example's cascade over every item, one at a time (so an item's calls stay together and in
 * order), on scripted providers wrapped in the replay package's recorder. Each line then holds exactly the
 * conversation the cascade sent, repairs included (the rejected answer and the gate's feedback), and
 * replaying the file takes every request down the same path.
 *
 * Of the request only the messages are kept: replay matches on them. A provider error fails the whole
 * recording (a script mistake, not a path to record); a request no tier accepts is recorded like any other.
 */
export async function recordScript<Item extends { readonly id: string }, Role extends string>(
  options: RecordScriptOptions<Item, Role>,
): Promise<RecordedScript> {
  const byId = new Map(options.items.map((item) => [item.id, item]));
  const lines: string[] = [];
  const sink = (_line: string, record: RecordedRequest): void => {
    const item = byId.get(record.id);
    if (item === undefined) throw new Error(`recorded a call for ${record.id}, which the script does not have`);
    const tiers = Object.fromEntries(
      Object.entries(record.tiers).map(([model, tier]) => [
        model,
        { candidates: tier.candidates.map((candidate) => options.candidate(candidate, item)), usage: tier.usage },
      ]),
    );
    lines.push(
      JSON.stringify({
        id: record.id,
        note: HAND_WRITTEN_NOTE,
        request: { messages: record.request.messages },
        ...(options.reference === undefined ? {} : { reference: options.reference(item) }),
        tiers,
      }),
    );
  };
  // By provider, so a provider serving several tiers writes through one recorder, in call order.
  const recorders = new Map<Provider, RecordingProvider>();
  const recording = {} as Record<Role, Provider>;
  for (const role of Object.keys(options.providers) as Role[]) {
    const provider = options.providers[role];
    const recorder = recorders.get(provider) ?? recordingProvider({ provider, sink });
    recorders.set(provider, recorder);
    recording[role] = recorder;
  }
  const cascade = options.cascade(recording);
  try {
    for (const item of options.items) {
      const attempts = await cascade.run(options.request(item)).then(
        (result) => result.attempts,
        (error: unknown) => (CascadeExhaustedError.isInstance(error) ? error.attempts : Promise.reject(error)),
      );
      const failed = attempts.find((attempt) => attempt.outcome === 'provider-error');
      if (failed !== undefined) throw new Error(`${item.id}: ${failed.error?.message ?? 'provider error'}`);
    }
  } finally {
    await cascade.close();
  }
  for (const recorder of recorders.values()) await recorder.flush();
  return {
    requests: options.items.map((item) => `${JSON.stringify(options.request(item))}\n`).join(''),
    recording: lines.map((line) => `${line}\n`).join(''),
  };
}
