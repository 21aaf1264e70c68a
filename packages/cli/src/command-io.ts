import { ConfigError } from '@llm-cascade/core';
import { EXIT_CODES, type ExitCode, UsageError } from './exit-codes.ts';

/** Where a command reads its environment and writes its output; tests pass their own. */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and environment. */
export function processIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * Prints an error in the stable form scripts can match, and picks the exit code:
 * `llm-cascade <command>: usage error: ...` and `... config error: <field>: ...` exit 2, anything else is
 * printed as `error:` and exits 1.
 */
export function reportError(io: CommandIo, command: string, error: unknown): ExitCode {
  if (error instanceof UsageError) {
    io.stderr.write(
      `llm-cascade ${command}: usage error: ${error.message}\nRun 'llm-cascade ${command} --help' for usage.\n`,
    );
    return EXIT_CODES.usage;
  }
  if (ConfigError.isInstance(error)) {
    io.stderr.write(`llm-cascade ${command}: config error: ${error.message}\n`);
    return EXIT_CODES.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`llm-cascade ${command}: error: ${message}\n`);
  return EXIT_CODES.failed;
}

/** Turns `parseArgs`'s own errors (unknown option, missing value) into usage errors. */
export function asUsageError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    return new UsageError(error instanceof Error ? error.message : String(error));
  }
  return error;
}

/** A whole number within bounds, or a usage error naming the flag. */
export function parseWholeNumber(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Resolves on the first SIGINT or SIGTERM with the signal's name, and calls `onRepeat` on a second one
 * (the user insisting). Returns a function that removes the handlers.
 */
export function onInterrupt(
  first: (signal: 'SIGINT' | 'SIGTERM') => void,
  onRepeat: (signal: 'SIGINT' | 'SIGTERM') => void,
): () => void {
  let seen = false;
  const handler = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (seen) onRepeat(signal);
    else {
      seen = true;
      first(signal);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
