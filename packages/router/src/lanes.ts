import { type CascadeRequest, ConfigError } from '@llm-cascade/core';

type MetadataValue = string | number | boolean;

/** When a request enters a lane. Every condition given must hold. */
export interface LaneMatch {
  /** Metadata values to match: a value, or a list of accepted values. */
  readonly metadata?: Readonly<Record<string, MetadataValue | readonly MetadataValue[]>>;
  /** Tested against the request's text (system, messages and prompt, cut as the features cut it). */
  readonly pattern?: RegExp;
  /** The label `classify` gave the request: one, or any of a list. */
  readonly label?: string | readonly string[];
}

/**
 * A named sub-ladder: requests that match start at its cheapest tier likely to succeed, and the quality
 * floor applies within it. Code requests, say, go to a lane of code-specialised tiers.
 */
export interface RouterLane {
  readonly name: string;
  /** The lane's tiers, cheapest first: names from the router's ladder, in ladder order. */
  readonly tiers: readonly string[];
  /** Omit to make the lane the default for requests no other lane matches. */
  readonly match?: LaneMatch;
}

/** A lane ready for matching: tier positions resolved against the ladder. */
export interface ResolvedLane {
  readonly name: string;
  /** Ladder indexes, increasing. */
  readonly tiers: readonly number[];
  readonly match: LaneMatch | undefined;
}

const LANE_KEYS = new Set(['name', 'tiers', 'match']);
const MATCH_KEYS = new Set(['metadata', 'pattern', 'label']);

function checkKeys(value: object, known: ReadonlySet<string>, field: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new ConfigError(`${field}.${key}`, `unknown option (known: ${[...known].join(', ')})`);
  }
}

function checkMatch(match: LaneMatch, field: string): void {
  if (typeof match !== 'object' || match === null) throw new ConfigError(field, 'must be an object');
  checkKeys(match, MATCH_KEYS, field);
  if (match.pattern !== undefined && !(match.pattern instanceof RegExp)) {
    throw new ConfigError(`${field}.pattern`, 'must be a RegExp');
  }
  if (match.pattern?.global || match.pattern?.sticky) {
    // A global or sticky RegExp keeps lastIndex between tests, which would make routing depend on history.
    throw new ConfigError(`${field}.pattern`, 'must not have the g or y flag (it would make decisions stateful)');
  }
  if (match.metadata !== undefined && (typeof match.metadata !== 'object' || match.metadata === null)) {
    throw new ConfigError(`${field}.metadata`, 'must be an object of values');
  }
  const labels = match.label === undefined ? [] : typeof match.label === 'string' ? [match.label] : match.label;
  if (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string')) {
    throw new ConfigError(`${field}.label`, 'must be a string or an array of strings');
  }
}

/** Checks lanes against the ladder; a lane naming an unknown tier, or out of order, is a `ConfigError`. */
export function resolveLanes(lanes: readonly RouterLane[] | undefined, ladder: readonly string[]): ResolvedLane[] {
  if (lanes === undefined) return [];
  if (!Array.isArray(lanes)) throw new ConfigError('lanes', 'must be an array');
  const names = new Set<string>();
  let defaults = 0;
  return lanes.map((lane, i) => {
    const field = `lanes[${i}]`;
    if (typeof lane !== 'object' || lane === null) throw new ConfigError(field, 'must be an object');
    checkKeys(lane, LANE_KEYS, field);
    if (typeof lane.name !== 'string' || lane.name.length === 0 || names.has(lane.name)) {
      throw new ConfigError(`${field}.name`, 'must be a non-empty name, unique among the lanes');
    }
    names.add(lane.name);
    const laneTiers: readonly string[] = lane.tiers;
    if (!Array.isArray(laneTiers) || laneTiers.length === 0) {
      throw new ConfigError(`${field}.tiers`, 'must list at least one tier');
    }
    const tiers = laneTiers.map((tier, k) => {
      const index = ladder.indexOf(tier);
      if (index < 0)
        throw new ConfigError(`${field}.tiers[${k}]`, `names no tier of the router (${ladder.join(', ')})`);
      return index;
    });
    if (tiers.some((index: number, k: number) => k > 0 && index <= (tiers[k - 1] as number))) {
      throw new ConfigError(`${field}.tiers`, 'must follow the ladder order, cheapest first, without repeats');
    }
    if (lane.match === undefined) {
      defaults += 1;
      if (defaults > 1) throw new ConfigError(`${field}.match`, 'only one lane may omit match (the default lane)');
    } else checkMatch(lane.match, `${field}.match`);
    return { name: lane.name, tiers, match: lane.match };
  });
}

function metadataMatches(request: CascadeRequest, wanted: NonNullable<LaneMatch['metadata']>): boolean {
  for (const [key, accepted] of Object.entries(wanted)) {
    const value = request.metadata?.[key];
    if (value === undefined) return false;
    if (Array.isArray(accepted) ? !accepted.includes(value) : accepted !== value) return false;
  }
  return true;
}

/**
 * The first lane whose rule matches, else the lane without a rule, else `undefined` (the whole ladder).
 * `text` and `label` are computed only when some lane needs them.
 */
export function matchLane(
  lanes: readonly ResolvedLane[],
  request: CascadeRequest,
  text: () => string,
  label: () => string | undefined,
): ResolvedLane | undefined {
  let fallback: ResolvedLane | undefined;
  for (const lane of lanes) {
    const match = lane.match;
    if (match === undefined) {
      fallback ??= lane;
      continue;
    }
    if (match.metadata !== undefined && !metadataMatches(request, match.metadata)) continue;
    if (match.label !== undefined) {
      const got = label();
      if (got === undefined || (typeof match.label === 'string' ? match.label !== got : !match.label.includes(got)))
        continue;
    }
    if (match.pattern !== undefined && !match.pattern.test(text())) continue;
    return lane;
  }
  return fallback;
}
