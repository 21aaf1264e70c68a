import { closeSync, openSync, readSync } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { ConfigError } from '@llm-cascade/core';
import { type ReadLinesOptions, readLines } from '@llm-cascade/provider-replay';

/** What an existing output file already holds, for resuming a batch. */
export interface OutputState {
  /** Ids of the items already written: a resumed run skips them. */
  readonly ids: Set<string>;
  /** Of those, accepted answers. */
  readonly ok: number;
  /** Of those, failures and answers not accepted. */
  readonly failed: number;
  /** Bytes of a torn last line (a crash mid-write) cut from the end of the file; 0 when there was none. */
  readonly truncatedBytes: number;
  /** Line numbers of complete lines that are not output records; they are left alone and count as not done. */
  readonly unreadableLines: readonly number[];
}

const EMPTY: OutputState = { ids: new Set(), ok: 0, failed: 0, truncatedBytes: 0, unreadableLines: [] };

// Every line `run` writes is `JSON.stringify` of a record whose first key is its string id, so a line torn
// by a crash mid-write starts with these characters (or is a shorter piece of them).
const RECORD_OPENING = '{"id":"';

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

/** Whether a line that does not parse is the start of a record cut off mid-write. */
function isTornRecord(text: string): boolean {
  return text.length > 0 && (text.startsWith(RECORD_OPENING) || RECORD_OPENING.startsWith(text));
}

/** Offset just past the last `\n` of the file (0 when it has none), reading backwards in 64 KB blocks. */
function endOfLastCompleteLine(path: string, size: number): number {
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - block.length);
      const read = readSync(fd, block, 0, end - start, start);
      const at = block.subarray(0, read).lastIndexOf(0x0a);
      if (at !== -1) return start + at + 1;
      end = start;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}

function endsWithNewline(path: string, size: number): boolean {
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

function recordId(text: string): { id: string; ok: boolean } | undefined {
  try {
    const parsed = JSON.parse(text) as { id?: unknown; ok?: unknown; accepted?: unknown } | null;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.id !== 'string') return undefined;
    if (typeof parsed.ok !== 'boolean') return undefined;
    return { id: parsed.id, ok: parsed.ok === true && parsed.accepted === true };
  } catch {
    return undefined;
  }
}

function notResults(path: string, why: string): ConfigError {
  return new ConfigError(
    'output',
    `${path} is not a results file of llm-cascade run (${why}); nothing was changed. Give a new file, or one an earlier run wrote`,
  );
}

/**
 * Reads an output file's ids so a run can resume where the last one stopped, and repairs a torn last line
 * left by a crash: a last line without its newline is completed when it is a whole record, or cut off (and
 * its item done again) when it is the start of one. Only the ids are kept in memory, never the records.
 *
 * It refuses, with a `ConfigError` (field `output`) and without touching the file, a file that is not a
 * results file: one whose first line is not a record, or whose unfinished last line is not one of ours.
 * Complete lines after the first that are not records are reported in `unreadableLines` and left alone.
 */
export async function readOutputState(path: string, options: ReadLinesOptions = {}): Promise<OutputState> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if (isMissing(error)) return EMPTY;
    throw error;
  }
  if (size === 0) return EMPTY;
  const hasTail = !endsWithNewline(path, size);
  const ids = new Set<string>();
  const unreadableLines: number[] = [];
  let ok = 0;
  let failed = 0;
  // The first non-blank line decides whether the file is ours; a torn record passes only as the last line.
  let first: { line: number; record: boolean } | undefined;
  let last: { line: number; text: string; record: boolean } | undefined;
  for await (const { lineNumber, text } of readLines(path, options)) {
    if (text.trim() === '') {
      last = { line: lineNumber, text, record: false };
      continue;
    }
    const record = recordId(text);
    if (first === undefined) {
      if (record === undefined && !isTornRecord(text)) throw notResults(path, `line ${lineNumber} is not a result`);
      first = { line: lineNumber, record: record !== undefined };
    } else if (!first.record) {
      throw notResults(path, `line ${first.line} is not a result`);
    }
    last = { line: lineNumber, text, record: record !== undefined };
    if (record === undefined) {
      unreadableLines.push(lineNumber);
      continue;
    }
    if (ids.has(record.id)) continue;
    ids.add(record.id);
    if (record.ok) ok += 1;
    else failed += 1;
  }
  let truncatedBytes = 0;
  if (hasTail && last !== undefined && last.text.trim() !== '' && !last.record) {
    if (!isTornRecord(last.text)) throw notResults(path, `its unfinished last line ${last.line} is not a result`);
    // The start of a record cut off mid-write: cut it, and its item runs again.
    const complete = endOfLastCompleteLine(path, size);
    await truncate(path, complete);
    truncatedBytes = size - complete;
    unreadableLines.pop();
  } else if (hasTail && last?.record === true) {
    // Everything but the newline made it to disk: finish the line rather than redo the item.
    const handle = await open(path, 'a');
    try {
      await handle.write('\n');
    } finally {
      await handle.close();
    }
  }
  return { ids, ok, failed, truncatedBytes, unreadableLines };
}
