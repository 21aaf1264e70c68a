/**
 * Exit codes of the `llm-cascade` command. Scripts branch on these, so they only ever gain members.
 * - `ok` 0: every item accepted (the whole output file, earlier runs included), no malformed line.
 * - `failed` 1: some item failed or was not accepted, an input line was malformed, or the batch stopped
 *   on an I/O error (printed).
 * - `usage` 2: bad flags, a missing file, a config that fails to load or throws `ConfigError` (its field
 *   is printed).
 * - `interrupted` 130: stopped by SIGINT; `terminated` 143: stopped by SIGTERM. Rerun to resume.
 */
export const EXIT_CODES = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** A bad command line: unknown flag, missing required flag, a value of the wrong form. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
