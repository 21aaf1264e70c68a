import { parseRecording } from './parse-recording.ts';
import { type ReadLinesOptions, readLines, readLinesSync } from './read-lines.ts';
import type { RecordedRequest } from './recording.ts';

/** A record and the 1-based line it was read from. */
export interface NumberedRecording {
  readonly record: RecordedRequest;
  readonly line: number;
}

function isBlank(line: string): boolean {
  return line.trim().length === 0;
}

/**
 * Streams a JSONL recording one line at a time, so a file of any size is read in bounded memory. Blank
 * lines are skipped (they still count for line numbers); a malformed line rejects the iteration with a
 * `RecordingFormatError`, and a line over `maxLineBytes` (default 64 MiB) with a `LineTooLongError`, each
 * naming the file and the line. Break out of the loop to stop early: the file is closed.
 */
export async function* readRecordings(
  path: string,
  options?: ReadLinesOptions,
): AsyncGenerator<NumberedRecording, void, undefined> {
  for await (const { lineNumber: line, text } of readLines(path, options)) {
    const content = withoutByteOrderMark(text, line);
    if (isBlank(content)) continue;
    yield { record: parseRecording(content, { source: path, line }), line };
  }
}

/** A byte-order mark at the start of the file is not part of the JSON. */
function withoutByteOrderMark(text: string, line: number): string {
  return line === 1 ? text.replace(/^\uFEFF/, '') : text;
}

/**
 * Reads a whole JSONL recording synchronously. For building a provider, whose capabilities must be known
 * before the cascade is built; prefer `readRecordings` for large files you only scan. It reads line by
 * line with the same rules and `maxLineBytes` cap as `readRecordings`, so a path that is not a JSONL file
 * (`/dev/zero`, a binary file) fails with `LineTooLongError` instead of being read whole into memory.
 */
export function loadRecordings(path: string, options?: ReadLinesOptions): NumberedRecording[] {
  const records: NumberedRecording[] = [];
  for (const { lineNumber: line, text } of readLinesSync(path, options)) {
    const content = withoutByteOrderMark(text, line);
    if (isBlank(content)) continue;
    records.push({ record: parseRecording(content, { source: path, line }), line });
  }
  return records;
}
