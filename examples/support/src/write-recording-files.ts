import { writeFileSync } from 'node:fs';
import type { RecordedScript } from './record-script.ts';

export interface WriteRecordingFilesOptions {
  /** What `recordScript` made. */
  readonly recorded: RecordedScript;
  /** Where the example's requests.jsonl goes. */
  readonly requestsPath: string;
  /** Where its recording goes. */
  readonly recordingPath: string;
}

/**
 * Replaces the example's requests.jsonl and recording, and says so. Run after editing recorded/script.ts;
 * the example's test fails until the files match the script again.
 */
export function writeRecordingFiles(options: WriteRecordingFilesOptions): void {
  const { recorded, requestsPath, recordingPath } = options;
  writeFileSync(requestsPath, recorded.requests);
  writeFileSync(recordingPath, recorded.recording);
  console.log(`wrote ${requestsPath} and ${recordingPath} (${recorded.recording.split('\n').length - 1} lines)`);
}
