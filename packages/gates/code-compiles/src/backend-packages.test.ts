import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@llm-cascade/core';
import { gateContext } from '@llm-cascade/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import {
  OXC_PARSER_PACKAGE,
  type PackageResolver,
  resolveInstalledPackage,
  TYPESCRIPT_PACKAGE,
} from './backend-packages.ts';
import { buildCodeCompilesGate, type CodeCompilesGate } from './code-compiles-gate.ts';
import type { CodeCompilesGateOptions } from './gate-options.ts';

/** A resolver that finds the real packages except those named, as on a machine where they were never installed. */
function without(...missing: string[]): PackageResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = (name: string, from?: string) => {
    asked.push(name);
    return missing.includes(name) ? undefined : resolveInstalledPackage(name, from);
  };
  return Object.assign(resolver, { asked });
}

const gates: CodeCompilesGate[] = [];
function build(options: CodeCompilesGateOptions, resolvePackage: PackageResolver): CodeCompilesGate {
  const made = buildCodeCompilesGate({ poolSize: 1, ...options }, { resolvePackage });
  gates.push(made);
  return made;
}
afterAll(async () => {
  await Promise.all(gates.map((g) => g.close()));
});

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('optional peer dependencies: typescript and oxc-parser', () => {
  it('finds the versions this package is built against in this workspace', () => {
    expect(resolveInstalledPackage('typescript')?.version).toBe(TYPESCRIPT_PACKAGE.version);
    expect(resolveInstalledPackage('oxc-parser')?.version).toBe(OXC_PARSER_PACKAGE.version);
    expect(resolveInstalledPackage('no-such-package-llm-cascade')).toBeUndefined();
  });

  it('fails building a TypeScript gate without typescript, naming the install command', () => {
    const error = configError(() => build({ language: 'typescript' }, without('typescript')));
    expect(error.field).toBe('language');
    expect(error.message).toBe(
      'language: Checking TypeScript needs the package typescript, an optional peer dependency that is not installed: npm install typescript@7.0.2',
    );
  });

  it('fails building a JavaScript gate without oxc-parser, and a checkJs gate without typescript', () => {
    const parse = configError(() => build({ language: 'javascript' }, without('oxc-parser')));
    expect(parse.field).toBe('language');
    expect(parse.message).toMatch(
      /Checking JavaScript needs the package oxc-parser.*: npm install oxc-parser@0\.159\.0$/,
    );
    expect(() => build({ language: 'javascript' }, without('typescript'))).not.toThrow();
    const checked = configError(() => build({ language: 'javascript', checkJs: true }, without('typescript')));
    expect(checked.field).toBe('checkJs');
    expect(checked.message).toMatch(/npm install typescript@7\.0\.2$/);
  });

  it('builds and checks Python with neither package installed, and never looks for them', async () => {
    const resolver = without('typescript', 'oxc-parser');
    const python = build({ language: 'python' }, resolver);
    expect((await python.check('x = 1')).status).toBe('pass');
    expect(resolver.asked).toEqual([]);
  });

  it('without a language, fails only a check in the language whose package is missing', async () => {
    const any = build({}, without('typescript', 'oxc-parser'));
    expect((await any.evaluate(gateContext({ text: '```py\nx = 1\n```' }))).status).toBe('pass');
    await expect(any.evaluate(gateContext({ text: '```ts\nconst a = 1;\n```' }))).rejects.toSatisfy(
      (error: unknown) => ConfigError.isInstance(error) && /npm install typescript@7\.0\.2/.test(error.message),
    );
    await expect(any.warmUp({ languages: ['javascript'] })).rejects.toThrow(/npm install oxc-parser@0\.159\.0/);
  });

  it('refuses another typescript version: the API it drives is unstable', () => {
    const other: PackageResolver = (name, from) =>
      name === 'typescript' ? { version: '7.1.0', path: '/nowhere/package.json' } : resolveInstalledPackage(name, from);
    const error = configError(() => build({ language: 'typescript' }, other));
    expect(error.message).toBe(
      'language: Checking TypeScript needs typescript 7.0.2 exactly (its API is unstable), but 7.1.0 is installed: npm install typescript@7.0.2',
    );
  });

  it('loads neither package on import, nor for a Python gate (watched by a module hook in a fresh process)', {
    timeout: 30_000,
  }, async () => {
    const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
    const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(specifier, context, next) { seen.push(specifier); return next(specifier, context); } });
      const { codeCompilesGate } = await import(${JSON.stringify(entry)});
      const python = codeCompilesGate({ language: 'python' });
      const result = await python.check('x = 1');
      await python.close();
      console.log(JSON.stringify({ status: result.status, modules: seen.length, heavy: seen.filter((s) => /typescript|oxc/.test(s)) }));
    `;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--conditions=source', '--input-type=module', '-e', script],
        { timeout: 25_000 },
        (error, out, err) => (error === null ? resolve(out) : reject(new Error(`${error.message}\n${err}`))),
      );
    });
    const report = JSON.parse(stdout) as { status: string; modules: number; heavy: string[] };
    expect(report.status).toBe('pass');
    expect(report.modules).toBeGreaterThan(10);
    expect(report.heavy).toEqual([]);
  });

  it('names the missing compiler binary when typescript came without its optional platform package', () => {
    const error = configError(() =>
      build({ language: 'typescript' }, without(TYPESCRIPT_PACKAGE.platformPackage ?? '')),
    );
    expect(error.message).toContain(
      `needs ${TYPESCRIPT_PACKAGE.platformPackage}, the compiler binary for this platform`,
    );
  });
});
