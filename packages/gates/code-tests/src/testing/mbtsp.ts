/** One MBTSP problem of `benchmark-prompts/mxeval.jsonl`: program = prompt + solution + "\n" + test. */
export interface MbtspProblem {
  readonly id: string;
  readonly prompt: string;
  readonly canonical_solution?: string;
  readonly test: string;
}

/**
 * The first mutation that changes a solution body: `<` and `>` swapped, `+`/`-` swapped, `===` negated,
 * a number plus one. Shared by the agreement test and the full-data script so both break code alike.
 */
export function mutate(body: string): string | undefined {
  const rules: [RegExp, (m: string) => string][] = [
    [/ < /, () => ' > '],
    [/ > /, () => ' < '],
    [/ \+ /, () => ' - '],
    [/ - /, () => ' + '],
    [/ === /, () => ' !== '],
    [/\b(\d+)\b/, (m) => String(Number(m) + 1)],
  ];
  for (const [pattern, replace] of rules) {
    if (pattern.test(body)) return body.replace(pattern, replace);
  }
  return undefined;
}
