import { defineConfig } from 'vitest/config';

// Packs every public package, installs the tarballs with npm into a fresh project outside the workspace,
// and type-checks and runs a consumer's program there. Slow (about a minute): packing builds each package,
// and npm fetches third-party dependencies from the registry.
export default defineConfig({
  test: {
    name: 'pack-install',
    include: ['*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 900_000,
  },
});
