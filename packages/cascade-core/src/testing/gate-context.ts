import type { Candidate, GateContext, ProviderCapabilities, ProviderRequest, TierInfo, Usage } from '../contracts.ts';

export interface GateContextOptions {
  /** The answer text; ignored when `candidates` is given. */
  readonly text?: string;
  readonly candidates?: readonly (string | Candidate)[];
  readonly candidateIndex?: number;
  readonly value?: unknown;
  readonly request?: Partial<ProviderRequest>;
  readonly tier?: Partial<Omit<TierInfo, 'capabilities'>> & { readonly capabilities?: Partial<ProviderCapabilities> };
  readonly usage?: Usage;
  readonly signal?: AbortSignal;
}

/** Builds a GateContext for testing a gate on its own, without a cascade. */
export function gateContext(options: GateContextOptions = {}): GateContext {
  const candidates: Candidate[] = (options.candidates ?? [options.text ?? '']).map((entry) =>
    typeof entry === 'string' ? { text: entry, finishReason: 'stop' } : entry,
  );
  const candidateIndex = options.candidateIndex ?? 0;
  const candidate = candidates[candidateIndex];
  if (candidate === undefined) throw new RangeError(`candidateIndex ${candidateIndex} is out of range`);
  const outputTokens = candidates.reduce((sum, c) => sum + Math.max(1, Math.ceil(c.text.length / 4)), 0);
  return {
    request: { model: 'test-model', messages: [{ role: 'user', content: 'test' }], ...options.request },
    tier: {
      name: options.tier?.name ?? 'test',
      index: options.tier?.index ?? 0,
      model: options.tier?.model ?? 'test-model',
      capabilities: { logprobs: true, multipleSamples: true, structuredOutput: true, ...options.tier?.capabilities },
    },
    candidate,
    candidateIndex,
    candidates,
    value: options.value,
    usage: options.usage ?? { inputTokens: 10, outputTokens },
    signal: options.signal ?? new AbortController().signal,
  };
}
