import type { TestProject } from 'vitest/node';
import { type RedisServer, redisServerMissing, startRedisServer } from './redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared test server's URL, or '' when Redis tests skip. */
    redisUrl: string;
    /** Why Redis tests skip ('' when they run). */
    redisSkip: string;
  }
}

/** Starts one redis-server for the package's tests and stops it after them. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: RedisServer | undefined;
  let skip = redisServerMissing() ?? '';
  if (skip === '') {
    try {
      server = await startRedisServer();
    } catch (error) {
      skip = `redis-server could not start (${error instanceof Error ? error.message : String(error)}): Redis tests skipped`;
    }
  }
  if (skip !== '') console.warn(`store-redis: ${skip}`);
  project.provide('redisUrl', server?.url ?? '');
  project.provide('redisSkip', skip);
  return async () => {
    await server?.stop();
  };
}
