import type { RecordedRequest } from '@llm-cascade/provider-replay';
import { validateRecording } from '@llm-cascade/provider-replay';
import { openJsonLinesWriter } from './json-lines.ts';

/** What an import wrote. */
export interface ImportSummary {
  /** The output path (`-` for stdout). */
  readonly output: string;
  /** Records written, one a line. */
  readonly records: number;
  /** Source rows left out, with why (a model missing for a row is not a skip). */
  readonly skipped: number;
  /** Things the user should know about the conversion (a missing price file, an unknown config). */
  readonly warnings: readonly string[];
}

/**
 * Writes records as a JSONL recording, one at a time as they come, each validated with the replay
 * provider's own checker first so a converter bug fails at the line, not later in a replay.
 */
export async function writeRecords(
  output: string,
  records: AsyncIterable<RecordedRequest | undefined>,
): Promise<ImportSummary> {
  const writer = openJsonLinesWriter(output);
  let skipped = 0;
  try {
    for await (const record of records) {
      if (record === undefined) {
        skipped += 1;
        continue;
      }
      await writer.write(validateRecording(record, { source: output }));
    }
  } finally {
    await writer.close();
  }
  return { output, records: writer.written, skipped, warnings: [] };
}
