import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Machine, machine } from './machine.ts';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const RESULTS = join(BENCH_DIR, 'results');

/** One benchmark's measured figures, as written to bench/results/<name>.json. */
export interface BenchResult {
  readonly name: string;
  readonly title: string;
  /** The command that reproduces the figures. */
  readonly command: string;
  readonly machine: Machine;
  /** Markdown: the figures (measured in this run) and what they mean. */
  readonly markdown: string;
  readonly figures: Readonly<Record<string, number | string | boolean>>;
}

let writing = false;

/**
 * Tracked files (bench/results, BENCHMARKS.md) are written only when the run asks for it
 * (`pnpm bench --write`); a plain run prints its figures and leaves the checkout as it was.
 */
export function setWriteResults(enabled: boolean): void {
  writing = enabled;
}

/** Whether this run writes its results (see `setWriteResults`). */
export function writingResults(): boolean {
  return writing;
}

export async function saveResult(result: Omit<BenchResult, 'machine'>): Promise<BenchResult> {
  const full = { ...result, machine: machine() };
  if (!writing) return full;
  await mkdir(RESULTS, { recursive: true });
  await writeFile(join(RESULTS, `${result.name}.json`), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

export async function loadResults(): Promise<BenchResult[]> {
  const files = (await readdir(RESULTS).catch(() => [])).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => JSON.parse(await readFile(join(RESULTS, file), 'utf8')) as BenchResult));
}
