import {
  addUsage,
  type Candidate,
  ConfigError,
  type GenerateOptions,
  type Generation,
  type Provider,
  type ProviderRequest,
  type Usage,
} from '@llm-cascade/core';
import { tagCandidate, type VariantTag } from './candidate-variant.ts';
import type { AnswerExtractor } from './extractor.ts';

/** One way of asking: a prompt variant (chain of thought, program of thought, another demo set). */
export interface RepresentationVariant<TValue = unknown> {
  /** Unique; reported by `candidateVariant`. */
  readonly name: string;
  /** Rewrites the request for this variant (its system prompt, few-shot demos). Must not mutate its input. */
  readonly transform: (request: ProviderRequest) => ProviderRequest;
  /**
   * Reads this variant's samples (a CoT answer after "The answer is", a program's printed result). Default:
   * the gate's own extractor. Every variant's keys must live in the same space, or its samples never agree.
   */
  readonly extract?: AnswerExtractor<TValue>;
}

/** Options of `mixedRepresentationProvider`. */
export interface MixedRepresentationProviderOptions {
  /** The provider that answers every variant. */
  readonly provider: Provider;
  /** At least one; samples are split evenly across them, in this order. */
  readonly variants: readonly RepresentationVariant[];
}

export interface MixedRepresentationProvider extends Provider {
  /** The variant names, in order. */
  readonly variants: readonly string[];
}

interface RequestState {
  /** Single-sample calls made for this request so far (round robin position). */
  calls: number;
  /** Variants owed samples after a split call came back short, in order. */
  owed: number[];
}

/** Splits k samples over v variants as evenly as possible, earlier variants taking the remainder. */
export function splitSamples(samples: number, variants: number): number[] {
  const base = Math.floor(samples / variants);
  return Array.from({ length: variants }, (_, i) => base + (i < samples % variants ? 1 : 0));
}

/**
 * Wraps a provider so one attempt's samples come from several prompt variants, pooled into one vote: the
 * mixture-of-thought cascade of Yue et al. (ICLR 2024), where chain-of-thought and program-of-thought
 * samples that agree are trusted and disagreement escalates. The engine sees one provider:
 * - When the wrapped provider can return several samples per call, the wrapper declares it too and turns
 *   the engine's one call for k samples into one call per variant with n = its share (k split evenly),
 *   run in parallel; candidates come back grouped by variant, in variant order. Usage is summed over the
 *   calls, so every sample's tokens are billed (each variant's prompt is billed once per call).
 * - Otherwise it declares no multiple samples; the engine makes k single calls (one at a time when the
 *   gate can settle early) and the wrapper sends them to the variants in turn (calls for one request
 *   object rotate: first variant, second, ..., first again).
 * Each candidate is tagged with its variant (see `candidateVariant`), and the self-consistency gate reads a
 * tagged sample with that variant's extractor. If some variant calls fail and others answer, the answers
 * are returned (the missing samples count against agreement); if all fail, the first error is thrown.
 *
 * Warning: the engine's budget estimate assumes one call per attempt for a multi-sample provider, so with
 * v variants it undercounts input tokens by v - 1 prompts; set budgets with that margin.
 */
export function mixedRepresentationProvider(options: MixedRepresentationProviderOptions): MixedRepresentationProvider {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const inner = options.provider;
  if (typeof inner !== 'object' || inner === null || typeof inner.generate !== 'function') {
    throw new ConfigError('provider', 'must be a provider object with generate()');
  }
  const variants = options.variants;
  if (!Array.isArray(variants) || variants.length === 0) {
    throw new ConfigError('variants', 'must be a non-empty array of { name, transform, extract? }');
  }
  const names = new Set<string>();
  const tags: VariantTag[] = variants.map((variant: RepresentationVariant, i) => {
    const field = `variants[${i}]`;
    if (typeof variant !== 'object' || variant === null) throw new ConfigError(field, 'must be an object');
    if (typeof variant.name !== 'string' || variant.name.length === 0) {
      throw new ConfigError(`${field}.name`, 'must be a non-empty string');
    }
    if (names.has(variant.name)) throw new ConfigError(`${field}.name`, `duplicates variant '${variant.name}'`);
    names.add(variant.name);
    if (typeof variant.transform !== 'function') throw new ConfigError(`${field}.transform`, 'must be a function');
    if (variant.extract !== undefined && typeof variant.extract !== 'function') {
      throw new ConfigError(`${field}.extract`, 'must be a function');
    }
    return { name: variant.name, extract: variant.extract };
  });
  const states = new WeakMap<ProviderRequest, RequestState>();

  const call = async (variant: number, request: ProviderRequest, generateOptions: GenerateOptions, samples: number) => {
    const { samples: _ignored, ...rest } = generateOptions;
    const transformed = (variants[variant] as RepresentationVariant).transform(request);
    const generation = await inner.generate(transformed, samples > 1 ? { ...rest, samples } : rest);
    const tag = tags[variant] as VariantTag;
    // Fresh objects: a provider may hand the same candidate object out twice, and a tag is per object.
    const candidates = generation.candidates.map((candidate): Candidate => {
      const copy = { ...candidate };
      tagCandidate(copy, tag);
      return copy;
    });
    return { variant, generation: { ...generation, candidates } };
  };

  async function generate(request: ProviderRequest, generateOptions: GenerateOptions): Promise<Generation> {
    let state = states.get(request);
    if (state === undefined) {
      state = { calls: 0, owed: [] };
      states.set(request, state);
    }
    const wanted = Math.max(1, Math.floor(generateOptions.samples ?? 1));
    if (wanted === 1) {
      const variant = state.owed.shift() ?? state.calls % variants.length;
      state.calls += 1;
      return (await call(variant, request, generateOptions, 1)).generation;
    }
    const shares = splitSamples(wanted, variants.length);
    const multi = inner.capabilities.multipleSamples;
    const work: Promise<{ variant: number; generation: Generation }>[] = [];
    shares.forEach((share, variant) => {
      if (share === 0) return;
      if (multi) work.push(call(variant, request, generateOptions, share));
      else for (let s = 0; s < share; s += 1) work.push(call(variant, request, generateOptions, 1));
    });
    const settled = await Promise.allSettled(work);
    const candidates: Candidate[] = [];
    const received = shares.map(() => 0);
    let usage: Usage = { inputTokens: 0, outputTokens: 0 };
    let model: string | undefined;
    let firstError: unknown;
    for (const outcome of settled) {
      if (outcome.status === 'rejected') {
        firstError ??= outcome.reason;
        continue;
      }
      const { variant, generation } = outcome.value;
      const room = (shares[variant] as number) - (received[variant] as number);
      const kept = generation.candidates.slice(0, Math.max(0, room));
      received[variant] = (received[variant] as number) + kept.length;
      candidates.push(...kept);
      usage = addUsage(usage, generation.usage);
      model ??= generation.model;
    }
    if (generateOptions.signal.aborted) throw generateOptions.signal.reason;
    if (model === undefined) throw firstError;
    // A short variant is owed the engine's top-up calls, so the mixture keeps its proportions.
    shares.forEach((share, variant) => {
      for (let s = received[variant] as number; s < share; s += 1) state.owed.push(variant);
    });
    return { candidates, usage, model };
  }

  return {
    specificationVersion: inner.specificationVersion,
    id: inner.id,
    capabilities: inner.capabilities,
    variants: tags.map((tag) => tag.name),
    generate,
    // One call per variant that gets a share (n within it), or one per sample: the budget bills each.
    estimateCalls: (samples: number) =>
      inner.capabilities.multipleSamples
        ? splitSamples(samples, variants.length).filter((share) => share > 0).length
        : samples,
    ...(inner.priceFor === undefined ? {} : { priceFor: (model: string) => inner.priceFor?.(model) }),
  };
}
