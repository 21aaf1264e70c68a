import { ConfigError } from '@llm-cascade/core';
import { describe, expect, it } from 'vitest';
import { RedisStoreError } from './redis-commands.ts';
import { RedisResponseCache } from './redis-response-cache.ts';
import { redisStores } from './redis-stores.ts';

const silent = { sendCommand: () => new Promise<never>(() => undefined) };

describe('redisStores options', () => {
  it('needs exactly one of client and url', () => {
    expect(() => redisStores({})).toThrow(ConfigError);
    expect(() => redisStores({ client: silent, url: 'redis://127.0.0.1:1' })).toThrow(/exactly one/);
  });

  it('names a misspelt or invalid option', () => {
    expect(() => redisStores({ client: silent, prefx: 'x' } as never)).toThrow(/redisStores\.prefx/);
    expect(() => redisStores({ url: 'http://x' })).toThrow(/redisStores\.url/);
    expect(() => redisStores({ client: silent, commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
    expect(() => redisStores({ client: {} as never })).toThrow(/client/);
  });

  it('rejects a call Redis does not answer within the command timeout', async () => {
    const cache = new RedisResponseCache({ client: silent, commandTimeoutMs: 20 });
    await expect(cache.get('k')).rejects.toThrow(RedisStoreError);
  });
});
