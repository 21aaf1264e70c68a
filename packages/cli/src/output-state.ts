import { closeSync, openSync, readSync } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { readLines } from '@llm-cascade/provider-replay';

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

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
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

function readTail(path: string, from: number, size: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(size - from);
    readSync(fd, buffer, 0, buffer.length, from);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function recordId(text: string): { id: string; ok: boolean } | undefined {
  try {
    const parsed = JSON.parse(text) as { id?: unknown; ok?: unknown; accepted?: unknown } | null;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.id !== 'string') return undefined;
    return { id: parsed.id, ok: parsed.ok === true && parsed.accepted === true };
  } catch {
    return undefined;
  }
}

/**
 * Reads an output file's ids so a run can resume where the last one stopped, and repairs a torn last line
 * left by a crash: a last line without its newline is completed when it is a whole record, or cut off (and
 * its item done again) when it is not. Only the ids are kept in memory, never the records.
 */
export async function readOutputState(path: string): Promise<OutputState> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if (isMissing(error)) return EMPTY;
    throw error;
  }
  if (size === 0) return EMPTY;
  let truncatedBytes = 0;
  const complete = endOfLastCompleteLine(path, size);
  if (complete < size) {
    const tail = readTail(path, complete, size);
    if (recordId(tail) !== undefined) {
      // Everything but the newline made it to disk: finish the line rather than redo the item.
      const handle = await open(path, 'a');
      try {
        await handle.write('\n');
      } finally {
        await handle.close();
      }
    } else {
      await truncate(path, complete);
      truncatedBytes = size - complete;
    }
  }
  const ids = new Set<string>();
  const unreadableLines: number[] = [];
  let ok = 0;
  let failed = 0;
  for await (const { lineNumber, text } of readLines(path)) {
    if (text.trim() === '') continue;
    const record = recordId(text);
    if (record === undefined) {
      unreadableLines.push(lineNumber);
      continue;
    }
    if (ids.has(record.id)) continue;
    ids.add(record.id);
    if (record.ok) ok += 1;
    else failed += 1;
  }
  return { ids, ok, failed, truncatedBytes, unreadableLines };
}
