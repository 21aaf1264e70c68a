import { readFileSync } from 'node:fs';
import { parseRecording } from './parse-recording.ts';
import { readLines } from './read-lines.ts';
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
 * `RecordingFormatError` naming the file and the line. Break out of the loop to stop early: the file is
 * closed.
 */
export async function* readRecordings(path: string): AsyncGenerator<NumberedRecording, void, undefined> {
  for await (const { lineNumber: line, text } of readLines(path)) {
    // A byte-order mark at the start of the file is not part of the JSON.
    const content = line === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (isBlank(content)) continue;
    yield { record: parseRecording(content, { source: path, line }), line };
  }
}

/**
 * Reads a whole JSONL recording synchronously. For building a provider, whose capabilities must be known
 * before the cascade is built; prefer `readRecordings` for large files you only scan.
 */
export function loadRecordings(path: string): NumberedRecording[] {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const records: NumberedRecording[] = [];
  // Only \n ends a line: JSON allows U+2028 and U+2029 raw inside strings.
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const content = lines[i] as string;
    if (isBlank(content)) continue;
    records.push({ record: parseRecording(content, { source: path, line: i + 1 }), line: i + 1 });
  }
  return records;
}
