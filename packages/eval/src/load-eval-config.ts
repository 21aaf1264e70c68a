import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@llm-cascade/core';
import type { EvalConfig } from './eval-config.ts';
import { flattenParams } from './params.ts';

/**
 * Checks an evaluation config's shape, naming the field at fault. A bare function is taken as the
 * `cascade` factory of a config with no params.
 */
export function checkEvalConfig(value: unknown, source = 'config'): EvalConfig {
  if (typeof value === 'function') return { cascade: value as EvalConfig['cascade'] };
  if (typeof value !== 'object' || value === null) {
    throw new ConfigError(
      source,
      'must export an evaluation config (an object with a `cascade` factory) or a function',
    );
  }
  const config = value as Partial<EvalConfig> & { run?: unknown };
  if (typeof config.run === 'function') {
    throw new ConfigError(
      `${source}.cascade`,
      'the config exported a built cascade; export { cascade: ({ provider, params }) => cascadeOptions } instead, so the evaluation can build the single-tier baselines and one cascade per swept setting',
    );
  }
  if (typeof config.cascade !== 'function') {
    throw new ConfigError(`${source}.cascade`, 'must be a function ({ provider, params, records }) => CascadeOptions');
  }
  if (config.name !== undefined && (typeof config.name !== 'string' || config.name.length === 0)) {
    throw new ConfigError(`${source}.name`, 'must be a non-empty string');
  }
  flattenParams(config.params);
  if (config.prices !== undefined && (typeof config.prices !== 'object' || config.prices === null)) {
    throw new ConfigError(`${source}.prices`, 'must be an object of prices by model');
  }
  if (config.close !== undefined && typeof config.close !== 'function') {
    throw new ConfigError(`${source}.close`, 'must be a function () => void | Promise<void>');
  }
  if (config.request !== undefined && typeof config.request !== 'function') {
    throw new ConfigError(`${source}.request`, 'must be a function (record) => CascadeRequest');
  }
  return config as EvalConfig;
}

/**
 * Loads an evaluation config from a TypeScript or JavaScript file (Node 24 strips types natively): its
 * default export, or else its export named `config`. Importing the file runs it: load only configs you trust.
 * Throws `ConfigError` (field `config`) when the file is missing, fails to load or exports no config; a
 * `ConfigError` thrown by the file itself passes through with its own field.
 */
export async function loadEvalConfig(path: string): Promise<EvalConfig & { readonly name: string }> {
  const exported = await importConfigExport(path);
  const config = checkEvalConfig(exported, 'config');
  return { ...config, name: config.name ?? configName(path) };
}

/** A config's display name from its file name: `cascade.config.ts` -> `cascade`. */
export function configName(path: string): string {
  return basename(path).replace(/\.(config\.)?[cm]?[jt]s$/, '');
}

/**
 * Imports a TypeScript or JavaScript config file and returns its default export, or else its export named
 * `config`. Throws `ConfigError` (field `config`) when the file is missing, fails to load or exports neither;
 * a `ConfigError` thrown by the file itself passes through. Importing the file runs it.
 */
export async function importConfigExport(path: string): Promise<unknown> {
  if (typeof path !== 'string' || path.length === 0) throw new ConfigError('config', 'a config file path is required');
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined) throw new ConfigError('config', `file not found: ${path}`);
  if (!info.isFile()) throw new ConfigError('config', `not a file: ${path}`);
  let module: { default?: unknown; config?: unknown };
  try {
    module = (await import(pathToFileURL(absolute).href)) as { default?: unknown; config?: unknown };
  } catch (error) {
    if (ConfigError.isInstance(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError('config', `could not load ${path}: ${message}`, { cause: error });
  }
  const exported = module.default ?? module.config;
  if (exported === undefined)
    throw new ConfigError('config', `${path} has no default export and no export named "config"`);
  return exported;
}
