import { defineConfig } from 'vitest/config';

// Packs every public package, installs the tarballs with npm into a fresh project outside the workspace,
// and type-checks and runs a consumer's program there. Slow (two to five minutes here): packing builds each package,
// and npm fetches third-party dependencies from the registry.
export default defineConfig({
  test: {
    name: 'pack-install',
    include: ['*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    // After every other project (which all keep the default group 0): packing builds ten packages and npm
    // installs, which would otherwise load the 2 cores while the other projects' tests run.
    sequence: { groupOrder: 1 },
  },
});
