/**
 * Reads an accuracy margin: `1pt`, `1%` or `1 point` (one percentage point) or a bare fraction below 1
 * (`0.01`). Returns the fraction (0.01), or `undefined` when the text is none of these.
 */
export function parseAccuracyPoints(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(pts?|points?|%)?\s*$/i.exec(text);
  if (match === null) return undefined;
  const value = Number(match[1]);
  if (match[2] !== undefined) return value / 100;
  return value < 1 ? value : undefined;
}

/** A fraction of accuracy as points: 0.013 -> `1.3pt`. */
export function formatPoints(fraction: number, digits = 1): string {
  return Number.isFinite(fraction) ? `${(100 * fraction).toFixed(digits)}pt` : '-';
}
