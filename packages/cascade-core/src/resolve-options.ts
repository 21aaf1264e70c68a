import pLimit, { type LimitFunction } from 'p-limit';
import { resolveAudit } from './audit-options.ts';
import { type AuditStore, InMemoryAuditStore } from './audit-store.ts';
import { Auditor } from './auditor.ts';
import { type BudgetLedger, InMemoryBudgetLedger } from './budget-ledger.ts';
import { builtinGates } from './builtin-gates.ts';
import { type ResolvedCache, resolveCache } from './cache.ts';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitStore } from './circuit-breaker.ts';
import type { Gate, Price, Provider, ResponseFormat, TierInfo } from './contracts.ts';
import { SPECIFICATION_VERSION } from './contracts.ts';
import { ConfigError } from './errors.ts';
import { type ResolvedFloor, resolveFloors } from './floors.ts';
import { LatencyTracker } from './latency-tracker.ts';
import type { CascadeOptions, HedgeOptions, RaceOptions, TierConfig } from './options.ts';
import type { ResponseCacheStore } from './response-cache.ts';
import { type ResolvedRetryOptions, resolveRetry } from './retry.ts';
import { type ResolvedSpendCap, resolveSpendCaps } from './spend-caps.ts';
import { type CascadeStores, StoreWarnings } from './stores.ts';

export interface ResolvedTier {
  readonly name: string;
  readonly index: number;
  readonly provider: Provider;
  readonly model: string;
  readonly price: Price;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly repairs: number;
  readonly limit: LimitFunction;
  readonly gates: readonly Gate[];
  /** Each gate's time budget, by position in `gates`: the gate's own, else the tier's, else the cascade's. */
  readonly gateTimeoutsMs: readonly number[];
  /** Gates this tier cannot serve, with the reason they are reported `skipped`. */
  readonly skippedGates: ReadonlyMap<Gate, string>;
  readonly samples: number;
  readonly wantsLogprobs: boolean;
  /** Set when a gate decides when enough samples are drawn. */
  readonly samplingGate: Gate | undefined;
  readonly responseFormat: ResponseFormat | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly dataClasses: ReadonlySet<string> | undefined;
  readonly info: TierInfo;
  readonly latency: LatencyTracker;
  readonly breaker: CircuitBreaker | undefined;
}

export interface ResolvedRace {
  readonly tiers: readonly number[];
  readonly prefer: 'cheapest' | 'first';
}

/** The stores a cascade uses: the caller's, else in-memory ones of this process. */
export interface ResolvedStores {
  readonly budget: BudgetLedger;
  /** The ledger this process falls back on when `budget` fails (the same one when no store was given). */
  readonly localBudget: InMemoryBudgetLedger;
  readonly audit: AuditStore;
  /** The caller's cache store, if any; `cache` builds its in-memory one from its own bounds. */
  readonly cache: ResponseCacheStore | undefined;
}

export interface ResolvedCascade {
  readonly name: string;
  readonly stores: ResolvedStores;
  /** Warns once per store when one fails. */
  readonly storeWarnings: StoreWarnings;
  readonly spendCaps: readonly ResolvedSpendCap[] | undefined;
  readonly floors: readonly ResolvedFloor[] | undefined;
  readonly cache: ResolvedCache | undefined;
  /** Shadow audits, when configured. */
  readonly auditor: Auditor | undefined;
  readonly tiers: readonly ResolvedTier[];
  readonly retry: ResolvedRetryOptions;
  readonly hedge: Required<HedgeOptions> | undefined;
  readonly race: ResolvedRace | undefined;
  readonly options: CascadeOptions;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_REPAIRS = 1;
const DEFAULT_MAX_CONCURRENCY = 64;
/**
 * Time one gate evaluation may take. Well above what the shipped gates need (microseconds for schema,
 * logprob and vote checks; milliseconds for a warm TypeScript check) and not below the code-compiles
 * gate's own bounds (10 s a check, 30 s for a cold checker start), so a gate that bounds its own work keeps
 * its own, more precise verdict; yet a stalled gate holds a run for at most half a default tier timeout.
 */
export const DEFAULT_GATE_TIMEOUT_MS = 30_000;
// setTimeout's largest delay; a longer one fires at once.
const MAX_TIMER_MS = 2_147_483_647;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkNumber(
  field: string,
  value: unknown,
  rule: { integer?: boolean; min: number; exclusiveMin?: boolean; max?: number; allowInfinity?: boolean },
): void {
  if (value === undefined) return;
  const isNumber = typeof value === 'number' && !Number.isNaN(value);
  const finiteOk = isNumber && (Number.isFinite(value) || (rule.allowInfinity === true && value === Infinity));
  if (!finiteOk) throw new ConfigError(field, `must be a finite number, got ${describe(value)}`);
  if (rule.integer === true && Number.isFinite(value) && !Number.isInteger(value)) {
    throw new ConfigError(field, `must be a whole number, got ${value}`);
  }
  const below = rule.exclusiveMin === true ? value <= rule.min : value < rule.min;
  if (below) {
    throw new ConfigError(
      field,
      `must be ${rule.exclusiveMin === true ? 'greater than' : 'at least'} ${rule.min}, got ${value}`,
    );
  }
  if (rule.max !== undefined && value > rule.max)
    throw new ConfigError(field, `must be at most ${rule.max}, got ${value}`);
}

/** A duration a timer will wait: above 0, and within what `setTimeout` can wait (it fires at once beyond). */
function checkTimerMs(field: string, value: unknown): void {
  checkNumber(field, value, { min: 0, exclusiveMin: true, max: MAX_TIMER_MS });
}

function checkFunction(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigError(field, `must be a function, got ${describe(value)}`);
  }
}

function checkOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new ConfigError(field, `must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function checkPrice(field: string, price: unknown): Price {
  if (!isRecord(price))
    throw new ConfigError(field, `must be an object with inputPerMTok and outputPerMTok, got ${describe(price)}`);
  for (const key of ['inputPerMTok', 'outputPerMTok'] as const) {
    if (price[key] === undefined) throw new ConfigError(`${field}.${key}`, 'is required (USD per million tokens)');
    checkNumber(`${field}.${key}`, price[key], { min: 0 });
  }
  checkNumber(`${field}.cachedInputPerMTok`, price.cachedInputPerMTok, { min: 0 });
  checkNumber(`${field}.cacheWritePerMTok`, price.cacheWritePerMTok, { min: 0 });
  return price as unknown as Price;
}

function checkGates(field: string, gates: unknown): readonly Gate[] {
  if (gates === undefined) return [];
  if (!Array.isArray(gates)) throw new ConfigError(field, `must be an array of gates, got ${describe(gates)}`);
  const names = new Set<string>();
  gates.forEach((gate: unknown, i) => {
    const gateField = `${field}[${i}]`;
    if (!isRecord(gate)) throw new ConfigError(gateField, `must be a gate object, got ${describe(gate)}`);
    if (typeof gate.name !== 'string' || gate.name.length === 0) {
      throw new ConfigError(`${gateField}.name`, 'must be a non-empty string');
    }
    if (typeof gate.evaluate !== 'function') throw new ConfigError(`${gateField}.evaluate`, 'must be a function');
    if (names.has(gate.name)) {
      throw new ConfigError(`${gateField}.name`, `duplicates gate '${gate.name}'; names identify gates in reports`);
    }
    names.add(gate.name);
    checkTimerMs(`${gateField}.timeoutMs`, gate.timeoutMs);
    const requires = gate.requires;
    if (requires !== undefined) {
      if (!isRecord(requires)) throw new ConfigError(`${gateField}.requires`, 'must be an object');
      checkNumber(`${gateField}.requires.samples`, requires.samples, { integer: true, min: 1 });
    }
  });
  return gates as Gate[];
}

function checkProvider(field: string, provider: unknown): Provider {
  if (!isRecord(provider)) throw new ConfigError(field, `must be a provider object, got ${describe(provider)}`);
  if (provider.specificationVersion !== SPECIFICATION_VERSION) {
    throw new ConfigError(
      `${field}.specificationVersion`,
      `must be '${SPECIFICATION_VERSION}', got ${describe(provider.specificationVersion)}; the provider was built for another version of @llm-cascade/core`,
    );
  }
  if (typeof provider.generate !== 'function') throw new ConfigError(`${field}.generate`, 'must be a function');
  if (typeof provider.id !== 'string' || provider.id.length === 0) {
    throw new ConfigError(`${field}.id`, 'must be a non-empty string');
  }
  if (!isRecord(provider.capabilities)) throw new ConfigError(`${field}.capabilities`, 'must be an object');
  return provider as unknown as Provider;
}

function resolveTier(
  tier: TierConfig,
  index: number,
  options: CascadeOptions,
  sharedGates: readonly Gate[],
  builtins: readonly Gate[],
): ResolvedTier {
  const field = `tiers[${index}]`;
  if (!isRecord(tier)) throw new ConfigError(field, `must be a tier object, got ${describe(tier)}`);
  if (typeof tier.name !== 'string' || tier.name.length === 0)
    throw new ConfigError(`${field}.name`, 'must be a non-empty string');
  const provider = checkProvider(`${field}.provider`, tier.provider);
  if (typeof tier.model !== 'string' || tier.model.length === 0)
    throw new ConfigError(`${field}.model`, 'must be a non-empty string');

  const price = tier.price ?? provider.priceFor?.(tier.model);
  if (price === undefined) {
    throw new ConfigError(
      `${field}.price`,
      `is required: provider '${provider.id}' publishes no price for model '${tier.model}'`,
    );
  }
  checkPrice(`${field}.price`, price);
  checkTimerMs(`${field}.timeoutMs`, tier.timeoutMs);
  checkTimerMs(`${field}.gateTimeoutMs`, tier.gateTimeoutMs);
  checkNumber(`${field}.retries`, tier.retries, { integer: true, min: 0 });
  checkNumber(`${field}.repairs`, tier.repairs, { integer: true, min: 0 });
  checkNumber(`${field}.maxConcurrency`, tier.maxConcurrency, { integer: true, min: 1, allowInfinity: true });
  checkNumber(`${field}.maxOutputTokens`, tier.maxOutputTokens, { integer: true, min: 1 });
  if (tier.dataClasses !== undefined && !Array.isArray(tier.dataClasses)) {
    throw new ConfigError(`${field}.dataClasses`, 'must be an array of strings');
  }

  const ownGates = tier.gates === undefined ? undefined : checkGates(`${field}.gates`, tier.gates);
  const userGates = ownGates ?? sharedGates;
  const gatesField = ownGates === undefined ? 'gates' : `${field}.gates`;
  const skippedGates = new Map<Gate, string>();
  let samples = 1;
  let wantsLogprobs = false;
  let samplingGate: Gate | undefined;
  let responseFormat: ResponseFormat | undefined;
  userGates.forEach((gate, gateIndex) => {
    if (gate.requires?.logprobs === true) {
      if (!provider.capabilities.logprobs) {
        const reason = `requires logprobs, which provider '${provider.id}' cannot return`;
        if (options.strict === true) {
          throw new ConfigError(
            `${gatesField}[${gateIndex}]`,
            `gate '${gate.name}' ${reason} on tier '${tier.name}' (strict mode)`,
          );
        }
        skippedGates.set(gate, reason);
        return;
      }
      wantsLogprobs = true;
    }
    const wanted = gate.requires?.samples ?? 1;
    if (wanted > samples) {
      samples = wanted;
      // Only the gate that needs the most samples may stop the drawing early: a smaller gate's early
      // stop would starve the larger one.
      samplingGate = gate.enoughSamples === undefined ? undefined : gate;
    }
    responseFormat ??= gate.responseFormat;
  });

  const gates = [...builtins, ...userGates];
  const gateTimeoutMs = tier.gateTimeoutMs ?? options.gateTimeoutMs ?? DEFAULT_GATE_TIMEOUT_MS;
  const capabilities = provider.capabilities;
  return {
    name: tier.name,
    index,
    provider,
    model: tier.model,
    price,
    timeoutMs: tier.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: tier.retries ?? DEFAULT_RETRIES,
    repairs: tier.repairs ?? DEFAULT_REPAIRS,
    limit: pLimit(tier.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY),
    gates,
    gateTimeoutsMs: gates.map((gate) => gate.timeoutMs ?? gateTimeoutMs),
    skippedGates,
    samples,
    wantsLogprobs,
    samplingGate,
    responseFormat: capabilities.structuredOutput ? responseFormat : undefined,
    maxOutputTokens: tier.maxOutputTokens,
    dataClasses: tier.dataClasses === undefined ? undefined : new Set(tier.dataClasses),
    info: { name: tier.name, index, model: tier.model, capabilities },
    latency: new LatencyTracker(),
    breaker:
      options.circuitBreaker === undefined || options.circuitBreaker === false
        ? undefined
        : new CircuitBreaker(`${options.name ?? 'cascade'}:${tier.name}`, {
            ...options.circuitBreaker,
            ...circuitStore(options),
          }),
  };
}

/** The breaker's own store, else the cascade's `stores.circuit`, else none (the breaker's in-memory default). */
function circuitStore(options: CascadeOptions): { store?: CircuitStore } {
  const store =
    (options.circuitBreaker === false ? undefined : options.circuitBreaker?.store) ?? options.stores?.circuit;
  return store === undefined ? {} : { store };
}

function checkCircuitBreaker(options: CircuitBreakerOptions | false | undefined): void {
  if (options === undefined || options === false) return;
  if (!isRecord(options)) throw new ConfigError('circuitBreaker', 'must be an object or false');
  checkNumber('circuitBreaker.failureThreshold', options.failureThreshold, { integer: true, min: 1 });
  checkNumber('circuitBreaker.errorRateThreshold', options.errorRateThreshold, { min: 0, exclusiveMin: true, max: 1 });
  checkNumber('circuitBreaker.windowSize', options.windowSize, { integer: true, min: 1 });
  checkNumber('circuitBreaker.minimumCalls', options.minimumCalls, { integer: true, min: 1 });
  checkNumber('circuitBreaker.cooldownMs', options.cooldownMs, { min: 0 });
  checkNumber('circuitBreaker.halfOpenProbes', options.halfOpenProbes, { integer: true, min: 1 });
  checkFunction('circuitBreaker.isFailure', options.isFailure);
  checkFunction('circuitBreaker.now', options.now);
  if (
    options.store !== undefined &&
    !(isRecord(options.store) && typeof options.store.load === 'function' && typeof options.store.save === 'function')
  ) {
    throw new ConfigError('circuitBreaker.store', 'must have load(key) and save(key, snapshot)');
  }
}

const STORE_METHODS: Readonly<Record<keyof CascadeStores, readonly string[]>> = {
  circuit: ['load', 'save'],
  budget: ['reserve', 'settle', 'spent'],
  cache: ['get', 'set'],
  audit: ['record', 'counts', 'keys'],
};

function resolveStores(stores: CascadeStores | undefined): ResolvedStores {
  if (stores !== undefined) {
    const given: unknown = stores;
    if (!isRecord(given)) throw new ConfigError('stores', `must be an object, got ${describe(given)}`);
    for (const [name, store] of Object.entries(given)) {
      const methods = STORE_METHODS[name as keyof CascadeStores] as readonly string[] | undefined;
      if (methods === undefined) {
        throw new ConfigError(`stores.${name}`, `is not a store (stores: ${Object.keys(STORE_METHODS).join(', ')})`);
      }
      if (store === undefined) continue;
      const missing = methods.filter((method) => !isRecord(store) || typeof store[method] !== 'function');
      if (missing.length > 0) {
        throw new ConfigError(
          `stores.${name}`,
          `must have ${methods.map((m) => `${m}()`).join(', ')}; missing ${missing.join(', ')}`,
        );
      }
    }
  }
  const localBudget = new InMemoryBudgetLedger();
  return {
    budget: stores?.budget ?? localBudget,
    localBudget,
    audit: stores?.audit ?? new InMemoryAuditStore(),
    cache: stores?.cache,
  };
}

function resolveHedge(options: HedgeOptions | false | undefined): Required<HedgeOptions> | undefined {
  if (options === undefined || options === false) return undefined;
  if (!isRecord(options)) throw new ConfigError('hedge', 'must be an object or false');
  if (options.delayMs !== 'p95') checkNumber('hedge.delayMs', options.delayMs ?? Number.NaN, { min: 0 });
  checkNumber('hedge.fallbackDelayMs', options.fallbackDelayMs, { min: 0 });
  checkNumber('hedge.minimumSamples', options.minimumSamples, { integer: true, min: 1 });
  return {
    delayMs: options.delayMs,
    fallbackDelayMs: options.fallbackDelayMs ?? 2_000,
    minimumSamples: options.minimumSamples ?? 20,
  };
}

/** Resolves race options against the tiers; used when the cascade is built and for each run's own race. */
export function resolveRace(
  race: RaceOptions | undefined,
  tiers: readonly { readonly name: string }[],
  field: string,
): ResolvedRace | undefined {
  if (race === undefined) return undefined;
  if (!isRecord(race) || !Array.isArray(race.tiers))
    throw new ConfigError(`${field}.tiers`, 'must be an array of tier names or indexes');
  if (race.tiers.length < 2) throw new ConfigError(`${field}.tiers`, 'needs at least two tiers to race');
  checkOneOf(`${field}.prefer`, race.prefer, ['cheapest', 'first']);
  const indexes = race.tiers.map((which, i) => {
    const index = typeof which === 'number' ? which : tiers.findIndex((t) => t.name === which);
    if (!Number.isInteger(index) || index < 0 || index >= tiers.length) {
      throw new ConfigError(`${field}.tiers[${i}]`, `names no tier: ${JSON.stringify(which)}`);
    }
    return index;
  });
  if (new Set(indexes).size !== indexes.length) throw new ConfigError(`${field}.tiers`, 'names a tier twice');
  return { tiers: [...indexes].sort((a, b) => a - b), prefer: race.prefer ?? 'cheapest' };
}

/** Validates every option once, when the cascade is built; errors name the offending field. */
export function resolveOptions(options: CascadeOptions): ResolvedCascade {
  if (!isRecord(options)) throw new ConfigError('options', `must be an object, got ${describe(options)}`);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.length === 0)) {
    throw new ConfigError('name', 'must be a non-empty string');
  }
  if (!Array.isArray(options.tiers))
    throw new ConfigError('tiers', `must be an array of tiers, got ${describe(options.tiers)}`);
  if (options.tiers.length === 0) throw new ConfigError('tiers', 'needs at least one tier');
  checkNumber('budgetUsd', options.budgetUsd, { min: 0 });
  checkTimerMs('gateTimeoutMs', options.gateTimeoutMs);
  checkOneOf('onExhausted', options.onExhausted, ['throw', 'best']);
  checkOneOf('onBudgetExceeded', options.onBudgetExceeded, ['throw', 'best']);
  checkFunction('router', options.router);
  checkFunction('onEvent', options.onEvent);
  checkFunction('repairPrompt', options.repairPrompt);
  checkFunction('estimateInputTokens', options.estimateInputTokens);
  if (options.retry !== undefined) {
    if (!isRecord(options.retry)) throw new ConfigError('retry', 'must be an object');
    checkNumber('retry.baseDelayMs', options.retry.baseDelayMs, { min: 0 });
    checkNumber('retry.maxDelayMs', options.retry.maxDelayMs, { min: 0 });
    checkNumber('retry.maxRetryAfterMs', options.retry.maxRetryAfterMs, { min: 0 });
  }
  const builtinOptions = options.builtinGates;
  if (builtinOptions !== undefined && builtinOptions !== false) {
    if (!isRecord(builtinOptions)) throw new ConfigError('builtinGates', 'must be an object or false');
    if (builtinOptions.minOutputTokens !== false) {
      checkNumber('builtinGates.minOutputTokens', builtinOptions.minOutputTokens, { integer: true, min: 0 });
    }
  }

  checkCircuitBreaker(options.circuitBreaker);
  const stores = resolveStores(options.stores);
  const hedge = resolveHedge(options.hedge);
  const sharedGates = checkGates('gates', options.gates);
  const builtins = builtinGates(builtinOptions);
  const names = new Set<string>();
  const tiers = options.tiers.map((tier, index) => {
    const resolved = resolveTier(tier, index, options, sharedGates, builtins);
    if (names.has(resolved.name)) {
      throw new ConfigError(`tiers[${index}].name`, `duplicates tier '${resolved.name}'; tier names must be unique`);
    }
    names.add(resolved.name);
    return resolved;
  });
  const audit = resolveAudit(options.audit, tiers);
  const cascade: { -readonly [K in keyof ResolvedCascade]: ResolvedCascade[K] } = {
    name: options.name ?? 'cascade',
    stores,
    storeWarnings: new StoreWarnings(),
    spendCaps: resolveSpendCaps(options.spendCaps),
    floors: resolveFloors(options.floors, tiers),
    cache: resolveCache(options.cache, stores.cache),
    auditor: undefined,
    tiers,
    retry: resolveRetry(options.retry),
    hedge,
    race: resolveRace(options.race, tiers, 'race'),
    options,
  };
  if (audit !== undefined) cascade.auditor = new Auditor(audit, cascade, stores.audit);
  return cascade;
}
