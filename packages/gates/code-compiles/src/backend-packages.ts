import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ConfigError } from '@llm-cascade/core';

/**
 * The heavy checkers are optional peer dependencies: a user who checks only Python installs neither the
 * TypeScript compiler (27 MB of tsgo binary) nor oxc. They are loaded on first use, inside the checker
 * thread or process; this module only finds out, when a gate is built for a language, whether they are
 * there, so a missing one is a `ConfigError` naming the package rather than a crashed checker later.
 */
export interface BackendPackage {
  readonly name: 'typescript' | 'oxc-parser';
  /** The version this gate is built and tested against, as in the install hint. */
  readonly version: string;
  /** TypeScript's API is unstable and its compiler process id is read from a private field: only this version. */
  readonly exactVersion: boolean;
  /** A platform package the main package loads at run time (tsgo's binary), found from the main package. */
  readonly platformPackage?: string;
}

export const TYPESCRIPT_PACKAGE: BackendPackage = {
  name: 'typescript',
  version: '7.0.2',
  exactVersion: true,
  platformPackage: `@typescript/typescript-${process.platform}-${process.arch}`,
};

export const OXC_PARSER_PACKAGE: BackendPackage = { name: 'oxc-parser', version: '0.159.0', exactVersion: false };

/** A package as found from this package's folder: its version, or `undefined` when it is not installed. */
export type PackageResolver = (
  name: string,
  from?: string,
) => { readonly version: string; readonly path: string } | undefined;

/** Node's own resolution from this module, as the checker thread and process will resolve it. */
export const resolveInstalledPackage: PackageResolver = (name, from = import.meta.url) => {
  let path: string;
  try {
    path = createRequire(from).resolve(`${name}/package.json`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
  return { version: typeof manifest.version === 'string' ? manifest.version : 'unknown', path };
};

function installHint(pkg: BackendPackage): string {
  return `npm install ${pkg.name}@${pkg.version}`;
}

/**
 * Throws `ConfigError` on `field` when `pkg` is missing (or, for TypeScript, another version or without its
 * platform binary), with the command that installs it.
 */
export function requireBackendPackage(
  pkg: BackendPackage,
  options: { readonly field: string; readonly purpose: string; readonly resolve?: PackageResolver },
): void {
  const resolve = options.resolve ?? resolveInstalledPackage;
  const found = resolve(pkg.name);
  if (found === undefined) {
    throw new ConfigError(
      options.field,
      `${options.purpose} needs the package ${pkg.name}, an optional peer dependency that is not installed: ${installHint(pkg)}`,
    );
  }
  if (pkg.exactVersion && found.version !== pkg.version) {
    throw new ConfigError(
      options.field,
      `${options.purpose} needs ${pkg.name} ${pkg.version} exactly (its API is unstable), but ${found.version} is installed: ${installHint(pkg)}`,
    );
  }
  if (pkg.platformPackage !== undefined && resolve(pkg.platformPackage, found.path) === undefined) {
    throw new ConfigError(
      options.field,
      `${options.purpose} needs ${pkg.platformPackage}, the compiler binary for this platform, which ${pkg.name} installs as an optional dependency; reinstall without omitting optional dependencies: ${installHint(pkg)}`,
    );
  }
}
