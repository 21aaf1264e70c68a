import { ConfigError } from '@llm-cascade/core';

/**
 * Where a command writes. Structurally the CLI's own `CommandIo`, so `llm-cascade` passes its io as is;
 * tests pass string sinks.
 */
export interface EvalCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Exit codes, the same as the CLI's: 0 ok, 1 ran but failed its goal, 2 usage or configuration error. */
export const EVAL_EXIT_CODES = { ok: 0, failed: 1, usage: 2 } as const;
export type EvalExitCode = (typeof EVAL_EXIT_CODES)[keyof typeof EVAL_EXIT_CODES];

/** A bad command line. */
export class EvalUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalUsageError';
  }
}

/** Prints an error the way the CLI does and picks its exit code. */
export function reportCommandError(io: EvalCommandIo, command: string, error: unknown): EvalExitCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof EvalUsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `llm-cascade ${command}: usage error: ${message}\nRun 'llm-cascade ${command} --help' for usage.\n`,
    );
    return EVAL_EXIT_CODES.usage;
  }
  if (ConfigError.isInstance(error)) {
    io.stderr.write(`llm-cascade ${command}: config error: ${error.message}\n`);
    return EVAL_EXIT_CODES.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  const name = (error as { name?: unknown } | null)?.name;
  // Unreadable or malformed input files are the user's to fix: a usage-class exit, like a bad flag.
  if (name === 'RecordingFormatError' || name === 'JsonLineError' || (error as { code?: unknown })?.code === 'ENOENT') {
    io.stderr.write(`llm-cascade ${command}: input error: ${message}\n`);
    return EVAL_EXIT_CODES.usage;
  }
  io.stderr.write(`llm-cascade ${command}: error: ${message}\n`);
  return EVAL_EXIT_CODES.failed;
}

/** A number from the command line within bounds, or a usage error naming the flag. */
export function parseNumberFlag(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
  integer = false,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new EvalUsageError(
      `${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
