export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

export function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (pnpm bench does)');
  gc();
  gc();
}

export const format = {
  us: (ms: number) => `${(ms * 1000).toFixed(2)} µs`,
  ms: (ms: number) => `${ms.toFixed(2)} ms`,
  kib: (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`,
  ratio: (value: number) => value.toFixed(3),
};
