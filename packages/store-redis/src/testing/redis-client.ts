import { createClient } from 'redis';
import { inject } from 'vitest';

/** The shared test server's URL, and why Redis tests skip ('' when they run). */
export function testRedis(): { readonly url: string; readonly skip: string } {
  return { url: inject('redisUrl'), skip: inject('redisSkip') };
}

/** A connected client with its offline queue off, as the README recommends. */
export async function connectClient(url: string) {
  const client = createClient({ url, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export type TestClient = Awaited<ReturnType<typeof connectClient>>;

let counter = 0;

/** A key prefix no other test uses, so tests sharing the server do not see each other's keys. */
export function uniquePrefix(name: string): string {
  counter += 1;
  return `test:${name}:${process.pid}:${counter}:`;
}
