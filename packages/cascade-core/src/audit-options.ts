import type { AuditCompare } from './audit-compare.ts';
import { ConfigError } from './errors.ts';

/**
 * Shadow audits: a share of accepted answers is re-run on a stronger tier after the caller has its result,
 * and `compare` judges whether the two agree. Agreement is counted per tier, gate path and feature.
 */
export interface AuditOptions {
  /** Share of accepted answers audited, 0 to 1. */
  readonly sampleRate: number;
  /** The stronger tier (name or index) answers are checked against; answers from it or above are not audited. */
  readonly tier: string | number;
  readonly compare: AuditCompare;
  /** Audits started per window at most, in this process. Default 100. */
  readonly maxPerWindow?: number;
  /** The window of `maxPerWindow` and of the agreement counts. Default 3,600,000 (an hour). */
  readonly windowMs?: number;
  /** Agreement rate (0 to 1) below which an `audit-drift` event is emitted. */
  readonly floor?: number;
  /** With `floor`: a drifting feature's requests start at `tier` until agreement is back at `floor`. */
  readonly raiseFloor?: boolean;
  /** Audits a key needs in its window before its rate is judged against `floor`. Default 10. */
  readonly minAudits?: number;
  /** How long `close()` waits for audits in flight before aborting them. Default 30,000 ms. */
  readonly closeTimeoutMs?: number;
  /** Random source for sampling, for tests. Default `Math.random`. */
  readonly random?: () => number;
  /** Clock of the `maxPerWindow` window, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

export interface ResolvedAudit {
  readonly sampleRate: number;
  readonly tier: number;
  readonly compare: AuditCompare;
  readonly compareName: string;
  readonly maxPerWindow: number;
  readonly windowMs: number;
  readonly floor: number | undefined;
  readonly raiseFloor: boolean;
  readonly minAudits: number;
  readonly closeTimeoutMs: number;
  readonly random: () => number;
  readonly now: () => number;
}

const FIELDS = new Set([
  'sampleRate',
  'tier',
  'compare',
  'maxPerWindow',
  'windowMs',
  'floor',
  'raiseFloor',
  'minAudits',
  'closeTimeoutMs',
  'random',
  'now',
]);
const BUILTIN_COMPARES = ['canonical-json', 'extracted-answer', 'gates'];

function checkRange(field: string, value: unknown, min: number, max: number, integer = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(field, `must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  if (integer && !Number.isInteger(value)) throw new ConfigError(field, `must be a whole number, got ${value}`);
}

/** Validates `audit` against the tiers when the cascade is built. */
export function resolveAudit(audit: unknown, tiers: readonly { readonly name: string }[]): ResolvedAudit | undefined {
  if (audit === undefined || audit === false) return undefined;
  if (typeof audit !== 'object' || audit === null || Array.isArray(audit)) {
    throw new ConfigError('audit', 'must be an object { sampleRate, tier, compare, ... } or false');
  }
  const options = audit as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    if (!FIELDS.has(name)) throw new ConfigError(`audit.${name}`, 'is not an audit option');
  }
  checkRange('audit.sampleRate', options.sampleRate, 0, 1);
  const which = options.tier;
  const tier = typeof which === 'number' ? which : tiers.findIndex((t) => t.name === which);
  if (!Number.isInteger(tier) || tier < 0 || tier >= tiers.length) {
    throw new ConfigError('audit.tier', `names no tier: ${JSON.stringify(which)}`);
  }
  const compare = options.compare;
  if (typeof compare !== 'function' && !BUILTIN_COMPARES.includes(compare as string)) {
    throw new ConfigError('audit.compare', `must be one of ${BUILTIN_COMPARES.join(', ')} or a function`);
  }
  if (options.maxPerWindow !== undefined) checkRange('audit.maxPerWindow', options.maxPerWindow, 0, 1e9, true);
  if (options.windowMs !== undefined) checkRange('audit.windowMs', options.windowMs, 1, 1e12);
  if (options.floor !== undefined) checkRange('audit.floor', options.floor, 0, 1);
  if (options.minAudits !== undefined) checkRange('audit.minAudits', options.minAudits, 1, 1e9, true);
  if (options.closeTimeoutMs !== undefined)
    checkRange('audit.closeTimeoutMs', options.closeTimeoutMs, 0, 2_147_483_647);
  if (options.raiseFloor !== undefined && typeof options.raiseFloor !== 'boolean') {
    throw new ConfigError('audit.raiseFloor', 'must be a boolean');
  }
  if (options.raiseFloor === true && options.floor === undefined) {
    throw new ConfigError('audit.raiseFloor', 'needs audit.floor, the agreement rate to hold');
  }
  for (const name of ['random', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new ConfigError(`audit.${name}`, 'must be a function');
    }
  }
  const typed = audit as AuditOptions;
  return {
    sampleRate: typed.sampleRate,
    tier,
    compare: typed.compare,
    compareName: typeof compare === 'function' ? compare.name || 'custom' : (compare as string),
    maxPerWindow: typed.maxPerWindow ?? 100,
    windowMs: typed.windowMs ?? 3_600_000,
    floor: typed.floor,
    raiseFloor: typed.raiseFloor === true,
    minAudits: typed.minAudits ?? 10,
    closeTimeoutMs: typed.closeTimeoutMs ?? 30_000,
    random: typed.random ?? Math.random,
    now: typed.now ?? Date.now,
  };
}
