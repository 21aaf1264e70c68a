/**
 * What a user outside this repository gets: every public package packed with `pnpm pack` (which builds it
 * through `prepack`), the tarballs installed with plain npm into a fresh project in the system's temporary
 * folder, then checked there with publint and arethetypeswrong, type-checked with that project's own `tsc`,
 * and run with `node`: a three-tier cascade with a zod schema against a local replay server (no key, no
 * network beyond the npm registry, which serves the third-party dependencies).
 */
import { execFile } from 'node:child_process';
import { cpSync, globSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

// Exact versions of what a consumer brings of its own, and of the packaging linters.
const CONSUMER_DEPENDENCIES = {
  zod: '4.6.7',
  typescript: '7.0.2',
  '@types/node': '24.19.2',
  '@opentelemetry/api': '1.10.0',
  publint: '0.3.25',
  '@arethetypeswrong/cli': '0.18.5',
};

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  publishConfig?: Record<string, unknown>;
}

const readJson = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

const publicPackages = globSync(['packages/*/package.json', 'packages/*/*/package.json'], { cwd: root })
  .map((path) => ({ dir: join(root, dirname(path)), manifest: readJson(join(root, path)) }))
  .filter(({ manifest }) => manifest.private !== true)
  .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));

/** The npm and pnpm variables of the `pnpm test` that started us would leak into the consumer's npm. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(key) && !/^npm_config_(registry|cache|userconfig|nodedir)$/i.test(key)) continue;
    if (key === 'NODE_OPTIONS' || key.startsWith('VITEST') || key === 'TEST') continue;
    env[key] = value;
  }
  return env;
}

async function sh(command: string, args: readonly string[], cwd: string) {
  try {
    return await run(command, args, { cwd, env: cleanEnvironment(), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) failed:\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`,
    );
  }
}

/** Every string target in an `exports` (or `bin`) value, with the conditions leading to it. */
function targets(value: unknown, path: string[] = []): { conditions: string[]; target: string }[] {
  if (typeof value === 'string') return [{ conditions: path, target: value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => targets(inner, [...path, key]));
}

let work = '';
let consumer = '';
const packed = new Map<string, { tarball: string; dir: string; manifest: Manifest }>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'llm-cascade-pack-install-'));
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  // `prepack` builds each package afresh: the tarball never depends on a build having run before.
  await sh('pnpm', ['-r', '--filter', './packages/**', 'pack', '--pack-destination', tarballs], root);
  for (const file of readdirSync(tarballs).filter((name) => name.endsWith('.tgz'))) {
    const dir = join(work, 'extracted', file.replace(/\.tgz$/, ''));
    mkdirSync(dir, { recursive: true });
    await sh('tar', ['-xzf', join(tarballs, file), '-C', dir, '--strip-components=1'], work);
    const manifest = readJson(join(dir, 'package.json'));
    packed.set(manifest.name, { tarball: join(tarballs, file), dir, manifest });
  }

  consumer = join(work, 'consumer');
  cpSync(join(here, 'consumer'), consumer, { recursive: true });
  const dependencies: Record<string, string> = { ...CONSUMER_DEPENDENCIES };
  for (const [name, { tarball }] of packed) dependencies[name] = `file:${relative(consumer, tarball)}`;
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  // One import of every public entry point, so that tsc and node resolve each of them.
  const entries = [...packed.values()].flatMap(({ manifest }) =>
    Object.keys(manifest.exports ?? {}).map((key) =>
      key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
    ),
  );
  writeFileSync(
    join(consumer, 'imports.ts'),
    [
      '// Generated by the pack-and-install test: every public entry point of every packed package.',
      ...entries.map((entry, index) => `import * as entry${index} from '${entry}';`),
      `const entries = { ${entries.map((entry, index) => `'${entry}': entry${index}`).join(', ')} };`,
      'console.log(JSON.stringify(Object.fromEntries(Object.entries(entries).map(([name, module]) => [name, Object.keys(module).length]))));',
      '',
    ].join('\n'),
  );
  await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], consumer);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('pack and install', () => {
  it('packs every public package', () => {
    expect([...packed.keys()].sort()).toEqual(publicPackages.map(({ manifest }) => manifest.name));
  });

  it('ships built JavaScript, declarations and the licence, with no development-only export targets', () => {
    for (const [name, { dir, manifest }] of packed) {
      const files = new Set(globSync('**/*', { cwd: dir }));
      expect(files.has('LICENSE'), `${name} ships LICENSE`).toBe(true);
      expect(manifest.publishConfig, `${name} publishConfig`).toEqual({ access: 'public' });
      const exported = targets(manifest.exports);
      expect(exported.length, `${name} has exports`).toBeGreaterThan(0);
      for (const { conditions, target } of [...exported, ...targets(manifest.bin)]) {
        expect(conditions, `${name} ${target}`).not.toContain('source');
        expect(target.endsWith('.ts') && !target.endsWith('.d.ts'), `${name} ${target} is TypeScript source`).toBe(
          false,
        );
        expect(target.startsWith('./src/'), `${name} ${target}`).toBe(false);
        expect(files.has(target.replace(/^\.\//, '')), `${name} ships ${target}`).toBe(true);
      }
      expect(
        exported.some(({ target }) => target.endsWith('.d.ts')),
        `${name} ships types`,
      ).toBe(true);
      for (const [dependency, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        expect(range, `${name} -> ${dependency}`).not.toMatch(/^workspace:/);
      }
    }
  });

  it('passes publint (strict) for every package', async () => {
    const publint = join(consumer, 'node_modules', '.bin', 'publint');
    for (const [name, { dir }] of packed) {
      const { stdout } = await sh(publint, ['run', dir, '--strict', '--pack', 'false'], consumer);
      expect(stdout, name).toMatch(/All good!/);
    }
  });

  it('passes arethetypeswrong for every package (ESM only: the CommonJS resolutions are not offered)', async () => {
    const attw = join(consumer, 'node_modules', '.bin', 'attw');
    for (const [name, { tarball }] of packed) {
      // attw exits non-zero on any problem its profile does not ignore (sh throws then); the ignored ones are
      // node10 and node16-from-CommonJS: these packages are ESM only, for Node 24 and bundlers.
      const { stdout } = await sh(attw, [tarball, '--profile', 'esm-only', '--format', 'ascii'], consumer);
      const entries = Object.keys(packed.get(name)?.manifest.exports ?? {}).length;
      expect(stdout.match(/^node16 \(from ESM\): 🟢/gmu)?.length, name).toBe(entries);
      expect(stdout.match(/^bundler: 🟢/gmu)?.length, name).toBe(entries);
    }
  });

  it("type-checks the consumer's program with the consumer's own tsc", async () => {
    await sh(join(consumer, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], consumer);
  });

  it('runs a three-tier cascade with a zod schema from the installed packages', async () => {
    const { stdout } = await sh(process.execPath, ['main.ts'], consumer);
    const [cascade, scripted] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(cascade).toMatchObject({
      tier: 'large',
      number: '2024-117',
      total: '1240.50',
      currency: 'EUR',
      path: ['small:gate-failed', 'medium:gate-failed', 'large:accepted'],
    });
    expect(cascade?.costUsd).toBeGreaterThan(0);
    expect(scripted).toEqual({ scripted: '{"ok":true}' });
  });

  it('loads every public entry point with node', async () => {
    const { stdout } = await sh(process.execPath, ['imports.ts'], consumer);
    const counts = JSON.parse(stdout) as Record<string, number>;
    for (const [entry, count] of Object.entries(counts)) expect(count, `${entry} exports something`).toBeGreaterThan(0);
  });

  it('would publish exactly the public packages (pnpm publish -r --dry-run)', async () => {
    // The packages were built by the pack above; the release itself (`pnpm run release`) builds again.
    // --force lists a package even when its version is already on the registry (after a release).
    const { stdout } = await sh(
      'pnpm',
      ['publish', '-r', '--dry-run', '--force', '--no-git-checks', '--ignore-scripts'],
      root,
    );
    const published = [...stdout.matchAll(/^\+ (@llm-cascade\/[a-z-]+)@/gmu)].map((match) => match[1]).sort();
    expect(published).toEqual(publicPackages.map(({ manifest }) => manifest.name));
  });

  it('runs the installed llm-cascade command', async () => {
    const { stdout } = await sh(join(consumer, 'node_modules', '.bin', 'llm-cascade'), ['--help'], consumer);
    expect(stdout).toMatch(/llm-cascade/);
    expect(stdout).toMatch(/\brun\b/);
  });
});
