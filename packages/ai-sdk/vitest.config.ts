import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  resolve: { conditions: ['source'] },
  test: {
    name: 'ai-sdk',
    include: ['src/**/*.test.ts'],
    // eventsource-parser (under the AI SDK) exports its TypeScript source under the `source` condition too;
    // inlined, vite compiles it instead of Node refusing to strip types inside node_modules.
    server: { deps: { inline: [/@ai-sdk\//, /[/]ai[/]/, 'eventsource-parser'] } },
  },
});
