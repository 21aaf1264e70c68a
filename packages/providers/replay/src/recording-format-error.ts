import { ConfigError } from '@llm-cascade/core';

/**
 * A malformed recording: a line that is not JSON or does not follow the recording format. It is a
 * `ConfigError` (code `CONFIG_INVALID`), because a recording is input the replay provider is built from,
 * and its `field` reads like `data.jsonl line 12: tiers["gpt-4o"].candidates[0].text`.
 */
export class RecordingFormatError extends ConfigError {
  /** Where the recording came from: a file path, or `records` for an in-memory array. */
  readonly source: string;
  /** 1-based line number in a file, or 0-based index in an array (see `source`). */
  readonly line: number;
  /** The JSON path of the offending value inside the record (`tiers["m"].usage.inputTokens`), or `''`. */
  readonly path: string;

  constructor(
    location: { source: string; line: number; path: string },
    message: string,
    options: { cause?: unknown } = {},
  ) {
    const where =
      location.source === 'records' ? `records[${location.line}]` : `${location.source} line ${location.line}`;
    super(location.path === '' ? where : `${where}: ${location.path}`, message, options);
    this.name = 'RecordingFormatError';
    this.source = location.source;
    this.line = location.line;
    this.path = location.path;
  }
}
