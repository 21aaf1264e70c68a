import { fileURLToPath } from 'node:url';
import { ConfigError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { loadCascadeConfig } from './load-cascade-config.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./testing/fixtures/${name}`, import.meta.url));

async function configError(path: string): Promise<ConfigError> {
  const error = await loadCascadeConfig(path).catch((e: unknown) => e);
  if (!ConfigError.isInstance(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('loadCascadeConfig', () => {
  it('loads a default export', async () => {
    const cascade = await loadCascadeConfig(fixture('scripted.config.ts'));
    expect(cascade.name).toBe('cli-test');
    expect(cascade.tiers.map((t) => t.name)).toEqual(['small', 'large']);
  });

  it('loads a named `cascade` export', async () => {
    expect((await loadCascadeConfig(fixture('named.config.ts'))).name).toBe('named');
  });

  it('calls an exported (async) function', async () => {
    const cascade = await loadCascadeConfig(fixture('function.config.ts'));
    expect(cascade.name).toBe('from-function');
    expect((await cascade.run({ prompt: 'hi' })).text).toBe('hello');
  });

  it('hands a tuned profile to the exported function (run --profile)', async () => {
    const { loadProfile } = await import('@llm-cascade/eval');
    const profile = await loadProfile(fixture('profile.json'));
    const cascade = await loadCascadeConfig(fixture('profile.config.ts'), { profile });
    expect(cascade.name).toBe('tuned-fixture');
    expect(cascade.tiers.map((t) => t.name)).toEqual(['small', 'large']);
    expect((await cascade.run({ prompt: 'hi' })).text).toBe('large answer');
    // A config exporting a built cascade cannot take a profile.
    const error = await loadCascadeConfig(fixture('scripted.config.ts'), { profile }).catch((e: unknown) => e);
    expect(ConfigError.isInstance(error) && error.message).toMatch(/must export a function \(\{ profile \}\)/);
  });

  it("passes the config's own ConfigError through with its field", async () => {
    const error = await configError(fixture('bad-price.config.ts'));
    expect(error.field).toBe('tiers[1].price.inputPerMTok');
  });

  it('names the config file when it is missing, throws, or exports no cascade', async () => {
    const missing = await configError(fixture('nope.config.ts'));
    expect(missing.field).toBe('config');
    expect(missing.message).toMatch(/file not found/);
    const throws = await configError(fixture('throws.config.ts'));
    expect(throws.field).toBe('config');
    expect(throws.message).toMatch(/could not load .*throws\.config\.ts: OPENAI_API_KEY is not set/);
    const wrong = await configError(fixture('not-a-cascade.config.ts'));
    expect(wrong.message).toMatch(/must export a cascade built with createCascade/);
  });
});
