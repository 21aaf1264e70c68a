import { ConfigError } from '@llm-cascade/core';
import type { EvalParams } from './eval-config.ts';

/** A setting: dotted parameter paths to numbers (`{ 'vote.threshold': 0.6 }`). */
export type ParamSetting = { readonly [path: string]: number };

function isTree(value: unknown): value is EvalParams {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every numeric leaf of a params tree by its dotted path, in declaration order. Throws `ConfigError`
 * (field `params.<path>`) on a leaf that is neither a finite number nor a nested object.
 */
export function flattenParams(params: EvalParams | undefined): ParamSetting {
  const flat: Record<string, number> = {};
  const walk = (tree: EvalParams, prefix: string) => {
    for (const [key, value] of Object.entries(tree)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw new ConfigError(`params.${path}`, `must be a finite number, got ${value}`);
        flat[path] = value;
      } else if (isTree(value)) {
        walk(value, path);
      } else {
        throw new ConfigError(`params.${path}`, 'must be a number or an object of numbers');
      }
    }
  };
  if (params !== undefined) {
    if (!isTree(params)) throw new ConfigError('params', 'must be an object of numbers (nested objects allowed)');
    walk(params, '');
  }
  return flat;
}

/**
 * A copy of the params tree with the setting's values written at their paths. A path that names no number
 * in the defaults throws `ConfigError` listing the known ones: a typo in `--sweep` must not silently
 * evaluate the defaults many times over.
 */
export function applyParams<TParams extends EvalParams>(
  defaults: TParams | undefined,
  setting: ParamSetting,
  field = 'sweep',
): TParams {
  const known = flattenParams(defaults);
  for (const path of Object.keys(setting)) {
    if (!(path in known)) {
      const list = Object.keys(known);
      throw new ConfigError(
        field,
        `unknown parameter '${path}'; the config's params are: ${list.length === 0 ? '(none)' : list.join(', ')}`,
      );
    }
  }
  const copy = (tree: EvalParams, prefix: string): EvalParams => {
    const out: Record<string, number | EvalParams> = {};
    for (const [key, value] of Object.entries(tree)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      out[key] = typeof value === 'number' ? (setting[path] ?? value) : copy(value, path);
    }
    return out;
  };
  return copy(defaults ?? {}, '') as TParams;
}

/**
 * Parses one `--set` value, `param=number`: a fixed value for a config param (not swept). Throws
 * `ConfigError` (field `set`) on a malformed spec; whether the param exists is checked when it is applied.
 */
export function parseSet(spec: string): ParamSetting {
  const equals = spec.indexOf('=');
  const param = spec.slice(0, Math.max(0, equals)).trim();
  const text = spec.slice(equals + 1).trim();
  const value = Number(text);
  if (equals <= 0 || !/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/.test(param)) {
    throw new ConfigError('set', `'${spec}': expected param=number (param a dotted name)`);
  }
  if (text === '' || !Number.isFinite(value))
    throw new ConfigError('set', `'${spec}': ${JSON.stringify(text)} is not a number`);
  return { [param]: value };
}
