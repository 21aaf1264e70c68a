import type { RequestMetadata } from './contracts.ts';
import { ConfigError } from './errors.ts';

type MetadataValue = string | number | boolean;

/**
 * A quality floor for requests in a context: `{ match: { feature: 'contract-review' }, minTier: 'large',
 * budgetUsd: 0.5 }` starts every contract review at the large tier with half a dollar to spend.
 */
export interface QualityFloor {
  /** Request metadata fields and the value (or any of the values) each must have; all must match. */
  readonly match: Readonly<Record<string, MetadataValue | readonly MetadataValue[]>>;
  /** The lowest tier (name or index) a matching request may start at. */
  readonly minTier?: string | number;
  /** The per-run budget of a matching request, unless `run()` sets one. */
  readonly budgetUsd?: number;
}

export interface ResolvedFloor {
  readonly match: readonly (readonly [string, readonly MetadataValue[]])[];
  readonly minTier: number;
  readonly budgetUsd: number | undefined;
}

const FLOOR_FIELDS = new Set(['match', 'minTier', 'budgetUsd']);

function isPrimitive(value: unknown): value is MetadataValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Validates `floors` against the tiers when the cascade is built. */
export function resolveFloors(
  floors: unknown,
  tiers: readonly { readonly name: string }[],
): readonly ResolvedFloor[] | undefined {
  if (floors === undefined) return undefined;
  if (!Array.isArray(floors)) throw new ConfigError('floors', 'must be an array of { match, minTier?, budgetUsd? }');
  return floors.map((floor: unknown, i) => {
    const field = `floors[${i}]`;
    if (typeof floor !== 'object' || floor === null || Array.isArray(floor)) {
      throw new ConfigError(field, 'must be an object { match, minTier?, budgetUsd? }');
    }
    const record = floor as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      if (!FLOOR_FIELDS.has(name)) throw new ConfigError(`${field}.${name}`, 'is not a floor option');
    }
    const { match, minTier, budgetUsd } = record;
    if (typeof match !== 'object' || match === null || Array.isArray(match) || Object.keys(match).length === 0) {
      throw new ConfigError(`${field}.match`, 'must be an object of metadata fields and values, not empty');
    }
    const entries = Object.entries(match).map(([key, value]): readonly [string, readonly MetadataValue[]] => {
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0 || !values.every(isPrimitive)) {
        throw new ConfigError(`${field}.match.${key}`, 'must be a string, number or boolean, or an array of them');
      }
      return [key, values as MetadataValue[]];
    });
    if (minTier === undefined && budgetUsd === undefined) {
      throw new ConfigError(field, 'sets neither minTier nor budgetUsd');
    }
    let tierIndex = 0;
    if (minTier !== undefined) {
      tierIndex = typeof minTier === 'number' ? minTier : tiers.findIndex((t) => t.name === minTier);
      if (!Number.isInteger(tierIndex) || tierIndex < 0 || tierIndex >= tiers.length) {
        throw new ConfigError(`${field}.minTier`, `names no tier: ${JSON.stringify(minTier)}`);
      }
    }
    if (budgetUsd !== undefined && !(typeof budgetUsd === 'number' && Number.isFinite(budgetUsd) && budgetUsd >= 0)) {
      throw new ConfigError(`${field}.budgetUsd`, `must be a finite number at least 0, got ${String(budgetUsd)}`);
    }
    return { match: entries, minTier: tierIndex, budgetUsd: budgetUsd as number | undefined };
  });
}

function matches(floor: ResolvedFloor, metadata: RequestMetadata): boolean {
  for (const [key, values] of floor.match) {
    const value = metadata[key];
    if (value === undefined || !values.includes(value)) return false;
  }
  return true;
}

/**
 * The floor a request's metadata puts it under: the highest `minTier` of every matching floor, and the
 * budget of the first matching floor that sets one.
 */
export function floorFor(
  floors: readonly ResolvedFloor[],
  metadata: RequestMetadata | undefined,
): { minTier: number; budgetUsd: number | undefined } {
  let minTier = 0;
  let budgetUsd: number | undefined;
  if (metadata === undefined) return { minTier, budgetUsd };
  for (const floor of floors) {
    if (!matches(floor, metadata)) continue;
    minTier = Math.max(minTier, floor.minTier);
    budgetUsd ??= floor.budgetUsd;
  }
  return { minTier, budgetUsd };
}
