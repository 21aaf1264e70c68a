import { ConfigError } from '@llm-cascade/core';
import type { ParamSetting } from './params.ts';

/** One swept parameter and the values it takes, in order. */
export interface SweepAxis {
  /** Dotted path into the config's params (`vote.threshold`). */
  readonly param: string;
  readonly values: readonly number[];
}

/** A grid larger than this is almost always a typo in a step; it would run for hours. */
export const MAX_SWEEP_POINTS = 10_000;

function decimalsOf(text: string): number {
  const match = /\.(\d+)/.exec(text);
  return match?.[1]?.length ?? 0;
}

function parseNumber(text: string, spec: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new ConfigError('sweep', `'${spec}': ${JSON.stringify(text)} is not a number`);
  }
  return value;
}

/**
 * Parses one `--sweep` value: `param=from:to:step` (inclusive of `to` when the steps land on it) or
 * `param=v1,v2,v3`. Values are rounded to the decimals written, so `0.1:0.3:0.1` gives 0.1, 0.2, 0.3 and not
 * 0.30000000000000004. Throws `ConfigError` (field `sweep`) on a malformed spec.
 */
export function parseSweep(spec: string): SweepAxis {
  const equals = spec.indexOf('=');
  const param = spec.slice(0, Math.max(0, equals)).trim();
  const range = spec.slice(equals + 1);
  if (equals <= 0 || !/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/.test(param)) {
    throw new ConfigError('sweep', `'${spec}': expected param=from:to:step or param=v1,v2,... (param a dotted name)`);
  }
  if (range.includes(',') || !range.includes(':')) {
    const values = range.split(',').map((part) => parseNumber(part, spec));
    if (new Set(values).size !== values.length) throw new ConfigError('sweep', `'${spec}': repeated value`);
    return { param, values };
  }
  const parts = range.split(':');
  if (parts.length !== 3) throw new ConfigError('sweep', `'${spec}': a range is from:to:step`);
  const [from, to, step] = parts.map((part) => parseNumber(part, spec)) as [number, number, number];
  if (!(step > 0)) throw new ConfigError('sweep', `'${spec}': step must be above 0`);
  if (to < from) throw new ConfigError('sweep', `'${spec}': to must be at least from`);
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_SWEEP_POINTS)
    throw new ConfigError('sweep', `'${spec}': ${count} values, more than ${MAX_SWEEP_POINTS}`);
  const decimals = Math.max(...(parts as string[]).map(decimalsOf));
  const values = Array.from({ length: count }, (_, i) => Number((from + i * step).toFixed(decimals)));
  return { param, values };
}

/**
 * Every combination of the axes' values (the first axis varies slowest). No axes: one empty setting (the
 * config's defaults). Throws `ConfigError` when a param is swept twice or the grid exceeds `MAX_SWEEP_POINTS`.
 */
export function sweepGrid(axes: readonly SweepAxis[]): ParamSetting[] {
  const seen = new Set<string>();
  let size = 1;
  for (const axis of axes) {
    if (seen.has(axis.param)) throw new ConfigError('sweep', `'${axis.param}' is swept twice`);
    seen.add(axis.param);
    size *= axis.values.length;
  }
  if (size > MAX_SWEEP_POINTS) {
    throw new ConfigError('sweep', `the grid has ${size} settings, more than ${MAX_SWEEP_POINTS}`);
  }
  let settings: ParamSetting[] = [{}];
  for (const axis of axes) {
    settings = settings.flatMap((setting) => axis.values.map((value) => ({ ...setting, [axis.param]: value })));
  }
  return settings;
}
