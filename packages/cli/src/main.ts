#!/usr/bin/env node
// Entry point of the `llm-cascade` command: `node packages/cli/src/main.ts <command> ...` in a checkout (with or
// without `--conditions=source`), `bin/llm-cascade.js`, or `dist/main.js` once built.
import module from 'node:module';

// Run from its TypeScript source (a checkout: Node 24 strips the types), this file adds the `source` export
// condition to every import, so the workspace packages resolve to their src/ as well and no build is needed.
// Built (dist/main.js, installed packages), it leaves resolution alone: inside node_modules Node refuses to
// strip types, so the packages' dist/ must be used there.
if (import.meta.url.endsWith('.ts')) {
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const conditions = context.conditions ?? [];
      return nextResolve(
        specifier,
        conditions.includes('source') ? context : { ...context, conditions: [...conditions, 'source'] },
      );
    },
  });
}
// Caches compiled (and type-stripped) modules on disk between runs: startup from TypeScript sources drops
// from about a second to a fraction. Enabled before the command's modules load, hence the dynamic import.
module.enableCompileCache?.();
const { runCli } = await import('./cli.ts');
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Everything is flushed and closed by now; a socket some provider left open must not keep the command
// alive. The timer is unref'd, so a clean event loop exits at once without waiting for it.
setTimeout(() => process.exit(code), 2000).unref();
