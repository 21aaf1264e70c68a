import { readFileSync } from 'node:fs';
import type { CascadeRequest } from '@llm-cascade/core';

/** A request as an example's requests.jsonl holds it: the id names it in the printed paths and the results. */
export type ExampleRequest = CascadeRequest & { readonly id: string };

/**
 * Every non-blank line of a JSONL file, parsed. The type is the caller's word, not checked: use it for the
 * example's own files (requests.jsonl, its recording), never for input from elsewhere.
 */
export function readJsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** The requests of an example's requests.jsonl (written by its recorded/write-recording.ts). */
export function readRequests(path: string): ExampleRequest[] {
  return readJsonLines<ExampleRequest>(path);
}
