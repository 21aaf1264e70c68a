import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Cascade, ConfigError } from '@llm-cascade/core';

function isCascade(value: unknown): value is Cascade {
  const candidate = value as Partial<Cascade> | null | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.run === 'function' &&
    typeof candidate.close === 'function'
  );
}

/**
 * Loads a cascade from a TypeScript or JavaScript config file (Node 24 strips TypeScript types natively).
 * The file's default export, or else its named export `cascade`, is a cascade built with `createCascade`,
 * or a function (possibly async) returning one. With `context` (`run --profile`), the function is called with it
 * (`{ profile }`, a checked tune profile) and a config that exports a built cascade is an error.
 *
 * Throws `ConfigError` with field `config` when the file is missing, fails to load, or exports no
 * cascade; a `ConfigError` the file itself raises (a bad tier price, say) is passed through unchanged, so
 * its `field` still names the offending option. Importing the file runs it: load only configs you trust.
 */
export async function loadCascadeConfig(path: string, context?: { readonly profile: unknown }): Promise<Cascade> {
  if (typeof path !== 'string' || path.length === 0) throw new ConfigError('config', 'a config file path is required');
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined) throw new ConfigError('config', `file not found: ${path}`);
  if (!info.isFile()) throw new ConfigError('config', `not a file: ${path}`);
  let module: { default?: unknown; cascade?: unknown };
  try {
    module = (await import(pathToFileURL(absolute).href)) as { default?: unknown; cascade?: unknown };
  } catch (error) {
    if (ConfigError.isInstance(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError('config', `could not load ${path}: ${message}`, { cause: error });
  }
  const exported = module.default ?? module.cascade;
  if (exported === undefined) {
    throw new ConfigError('config', `${path} has no default export and no export named "cascade"`);
  }
  let cascade: unknown = exported;
  if (context !== undefined && (typeof exported !== 'function' || isCascade(exported))) {
    throw new ConfigError(
      'config',
      `${path} must export a function ({ profile }) => cascade to use --profile (see applyProfile in @llm-cascade/eval)`,
    );
  }
  if (typeof exported === 'function' && !isCascade(exported)) {
    try {
      cascade = await (exported as (context?: { readonly profile: unknown }) => unknown)(context);
    } catch (error) {
      if (ConfigError.isInstance(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ConfigError('config', `the function exported by ${path} threw: ${message}`, { cause: error });
    }
  }
  if (!isCascade(cascade)) {
    throw new ConfigError(
      'config',
      `${path} must export a cascade built with createCascade (or a function returning one), got ${cascade === null ? 'null' : typeof cascade}`,
    );
  }
  return cascade;
}
