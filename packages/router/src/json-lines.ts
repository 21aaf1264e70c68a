import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One parsed line of a JSONL file, with its 1-based line number. Blank lines are skipped. */
export interface JsonLine {
  readonly line: number;
  readonly value: unknown;
}

/** Reads a JSONL file line by line; a line that is not JSON throws an error naming the file and line. */
export async function* readJsonLines(path: string): AsyncGenerator<JsonLine> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`${path} line ${line}: not valid JSON (${error instanceof Error ? error.message : error})`, {
        cause: error,
      });
    }
    yield { line, value };
  }
}
