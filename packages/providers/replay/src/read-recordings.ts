import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseRecording } from './parse-recording.ts';
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
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      // A byte-order mark at the start of the file is not part of the JSON.
      const content = line === 1 ? text.replace(/^\uFEFF/, '') : text;
      if (isBlank(content)) continue;
      yield { record: parseRecording(content, { source: path, line }), line };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * Reads a whole JSONL recording synchronously. For building a provider, whose capabilities must be known
 * before the cascade is built; prefer `readRecordings` for large files you only scan.
 */
export function loadRecordings(path: string): NumberedRecording[] {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const records: NumberedRecording[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const content = lines[i] as string;
    if (isBlank(content)) continue;
    records.push({ record: parseRecording(content, { source: path, line: i + 1 }), line: i + 1 });
  }
  return records;
}
