import { ConfigError } from '@llm-cascade/core';

/** Formats a byte count the way the limit is usually given: `64 MiB`, `512 KiB`, or bytes. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * A line longer than the reader's cap (`maxLineBytes`, default 64 MiB): a file or stream with no line
 * breaks (`/dev/zero`, a binary file) or a runaway record. The reader stops before holding more than the
 * cap, so such input costs bounded memory. It is a `ConfigError` (code `CONFIG_INVALID`), like a malformed
 * recording: input the user gave that cannot be used as it is. Its `field` reads `data.jsonl line 12`.
 */
export class LineTooLongError extends ConfigError {
  /** The file path, `standard input`, or `stream`. */
  readonly source: string;
  /** 1-based number of the line that is too long. */
  readonly line: number;
  /** The cap it passed, in bytes. */
  readonly maxLineBytes: number;

  constructor(location: { source: string; line: number }, maxLineBytes: number) {
    super(
      `${location.source} line ${location.line}`,
      `the line is longer than ${formatBytes(maxLineBytes)} (maxLineBytes); is this a JSONL file?`,
    );
    this.name = 'LineTooLongError';
    this.source = location.source;
    this.line = location.line;
    this.maxLineBytes = maxLineBytes;
  }
}
