#!/usr/bin/env node
// The `llm-cascade` command. In a checkout of the repository it runs the TypeScript sources (src/main.ts, which
// Node 24 runs natively and which resolves the workspace packages to their sources): no build step. Installed
// from the registry (its real path is inside node_modules, where Node refuses to strip types) it runs dist/.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(realpathSync(fileURLToPath(import.meta.url)));
const source = join(here, '..', 'src', 'main.ts');
const built = join(here, '..', 'dist', 'main.js');
const installed = here.split(sep).includes('node_modules');

if (!installed && existsSync(source)) {
  await import(pathToFileURL(source).href);
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  process.stderr.write(`llm-cascade: found neither ${source} nor ${built}; build the package first\n`);
  process.exitCode = 2;
}
