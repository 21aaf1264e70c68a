import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machine } from './machine.ts';
import { BENCH_DIR, type BenchResult } from './result-file.ts';

/**
 * The real recorded data beside the repository (../shared/data), or LLM_CASCADE_SHARED_DATA when set; an
 * empty variable means "absent". The data is read in place and never copied into the repository.
 */
export function sharedDataDir(): string | undefined {
  const fromEnv = process.env.LLM_CASCADE_SHARED_DATA;
  if (fromEnv === '') return undefined;
  const dir = fromEnv ?? resolve(BENCH_DIR, '..', '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}

/**
 * A reproduction that cannot run here: the message is printed, and nothing is saved, so BENCHMARKS.md
 * keeps the figures of the last run that had the data.
 */
export function skipped(name: string, title: string, command: string, what: string): BenchResult {
  const markdown = `Skipped: ${what} not found (looked in ../shared/data or LLM_CASCADE_SHARED_DATA); the figures in BENCHMARKS.md, if any, are from an earlier run.`;
  console.error(`bench ${name}: ${markdown}`);
  return { name, title, command, markdown, figures: { skipped: true }, machine: machine() };
}

/** A temporary folder for imported recordings, removed when `work` settles. */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'llm-cascade-bench-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Where example configs live: the evaluation package's examples folder. */
export function exampleConfig(name: string): string {
  return resolve(BENCH_DIR, '..', 'packages', 'eval', 'examples', name);
}

export const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '-');
export const usd = (x: number, digits = 4) => (Number.isFinite(x) ? `$${x.toFixed(digits)}` : '-');
