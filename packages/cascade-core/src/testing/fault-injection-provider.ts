import type { Candidate, GenerateOptions, Generation, Provider, ProviderRequest } from '../contracts.ts';
import { ProviderError } from '../errors.ts';
import { sleep } from '../retry.ts';

/** The faults a real provider shows, each with the share of calls it hits. */
export interface FaultRates {
  /** 429 with Retry-After. */
  readonly rateLimit?: number;
  /** 500. */
  readonly server?: number;
  /** The call hangs until its signal fires (the tier's timeout or the caller's abort). */
  readonly timeout?: number;
  /** The connection drops before an answer. */
  readonly connectionReset?: number;
  /** A 200 with an empty body, which a provider reports as a malformed response. */
  readonly emptyBody?: number;
  /** The answer's text is corrupted (bytes garbled, JSON broken). */
  readonly malformed?: number;
  /** The answer is cut off halfway, with a `length` finish. */
  readonly truncated?: number;
  /** The answer comes, but only after `slowFirstByteMs`. */
  readonly slowFirstByte?: number;
}

export type FaultKind = keyof FaultRates;

export interface FaultInjectionOptions {
  /** The provider whose answers are passed through when no fault hits. */
  readonly provider: Provider;
  /** Seeds the draws; the same seed gives the same faults for the same requests. */
  readonly seed: number;
  readonly rates: FaultRates;
  /** Retry-After sent with injected 429s. Default 10 ms. */
  readonly retryAfterMs?: number;
  /** Delay of a slow first byte. Default 200 ms. */
  readonly slowFirstByteMs?: number;
}

export interface FaultInjectionProvider extends Provider {
  /** How many of each fault were injected, and how many calls went through clean. */
  readonly injected: Readonly<Record<FaultKind | 'none', number>>;
}

const KINDS: readonly FaultKind[] = [
  'rateLimit',
  'server',
  'timeout',
  'connectionReset',
  'emptyBody',
  'malformed',
  'truncated',
  'slowFirstByte',
];

// FNV-1a: a stable 32-bit hash of the draw's key, so a request's faults do not depend on call interleaving.
function hash(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// mulberry32: small, fast and good enough to spread draws uniformly.
function uniform(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function corrupt(text: string, draw: number): string {
  const cut = Math.floor(text.length * (0.3 + 0.4 * draw));
  return `${text.slice(0, cut)}\u0000\ufffd{"]${text.slice(cut + 1, cut + 4)}`;
}

/**
 * Wraps a provider and injects the faults real providers show, at the given rates, seeded and
 * deterministic: each call's draw depends on the seed, the request (its id, or its messages), the model
 * and how many calls that conversation made before, never on how concurrent calls interleave. Use it to test
 * that a cascade keeps answering and loses nothing.
 */
export function faultInjectionProvider(options: FaultInjectionOptions): FaultInjectionProvider {
  const total = KINDS.reduce((sum, kind) => sum + (options.rates[kind] ?? 0), 0);
  if (total > 1) throw new RangeError(`fault rates add up to ${total}, more than 1`);
  const inner = options.provider;
  const retryAfterMs = options.retryAfterMs ?? 10;
  const slowMs = options.slowFirstByteMs ?? 200;
  const injected: Record<FaultKind | 'none', number> = {
    rateLimit: 0,
    server: 0,
    timeout: 0,
    connectionReset: 0,
    emptyBody: 0,
    malformed: 0,
    truncated: 0,
    slowFirstByte: 0,
    none: 0,
  };
  // Calls so far per conversation and model. Keyed weakly on the messages array, which the engine keeps for
  // a run (a repair makes a new one), so the counts go when the run does and a long soak holds nothing.
  const callsPerConversation = new WeakMap<readonly unknown[], Map<string, number>>();

  const pick = (request: ProviderRequest): { kind: FaultKind | 'none'; draw: number } => {
    let perModel = callsPerConversation.get(request.messages);
    if (perModel === undefined) {
      perModel = new Map();
      callsPerConversation.set(request.messages, perModel);
    }
    const nth = perModel.get(request.model) ?? 0;
    perModel.set(request.model, nth + 1);
    const base = `${request.requestId ?? JSON.stringify(request.messages)}|${request.model}|${request.messages.length}`;
    const draw = uniform(hash(`${base}|${nth}`, options.seed));
    let edge = 0;
    for (const kind of KINDS) {
      edge += options.rates[kind] ?? 0;
      if (draw < edge) return { kind, draw };
    }
    return { kind: 'none', draw };
  };

  const fail = (
    kind: ProviderError['kind'],
    message: string,
    request: ProviderRequest,
    extra: { status?: number; retryAfterMs?: number } = {},
  ) =>
    new ProviderError(`injected fault: ${message}`, {
      kind,
      retryable: true,
      providerId: inner.id,
      model: request.model,
      ...extra,
    });

  return {
    specificationVersion: inner.specificationVersion,
    id: inner.id,
    capabilities: inner.capabilities,
    injected,
    ...(inner.priceFor === undefined ? {} : { priceFor: (model: string) => inner.priceFor?.(model) }),
    async generate(request: ProviderRequest, generateOptions: GenerateOptions): Promise<Generation> {
      const { kind, draw } = pick(request);
      injected[kind] += 1;
      switch (kind) {
        case 'rateLimit':
          throw fail('rate-limit', '429 Too Many Requests', request, { status: 429, retryAfterMs });
        case 'server':
          throw fail('server', '500 Internal Server Error', request, { status: 500 });
        case 'connectionReset':
          throw fail('connection', 'connection reset by peer', request);
        case 'emptyBody':
          throw fail('malformed-response', 'empty response body', request, { status: 200 });
        case 'timeout':
          await sleep(2 ** 31 - 1, generateOptions.signal);
          throw fail('timeout', 'no answer', request);
        case 'slowFirstByte':
          await sleep(slowMs, generateOptions.signal);
          return inner.generate(request, generateOptions);
        case 'malformed':
        case 'truncated': {
          const generation = await inner.generate(request, generateOptions);
          const candidates: Candidate[] = generation.candidates.map((candidate) =>
            kind === 'malformed'
              ? { ...candidate, text: corrupt(candidate.text, draw) }
              : {
                  ...candidate,
                  text: candidate.text.slice(0, Math.floor(candidate.text.length / 2)),
                  finishReason: 'length',
                },
          );
          return { ...generation, candidates };
        }
        case 'none':
          return inner.generate(request, generateOptions);
      }
    },
  };
}
