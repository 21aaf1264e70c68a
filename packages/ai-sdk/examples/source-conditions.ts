// Lets the examples run from this repository's TypeScript source (`node --conditions=source`).
//
// `--conditions=source` applies to every import, and one package under the AI SDK (eventsource-parser) also
// exports its TypeScript source under `source`, which Node refuses to run from node_modules. This hook drops
// the condition for imports made from inside node_modules. Installed from npm, nothing here is needed.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (context.parentURL?.includes('/node_modules/') !== true) return nextResolve(specifier, context);
    return nextResolve(specifier, {
      ...context,
      conditions: context.conditions.filter((condition) => condition !== 'source'),
    });
  },
});
