/**
 * Loads real recorded data from ../shared/data when a file there is already in the recording format.
 * Today none is (each dataset has its own layout and is converted by `llm-cascade import`), so this
 * skips with a message; it starts checking the moment such a file appears.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecording } from './parse-recording.ts';
import { replayProvider } from './replay-provider.ts';
import { requestMessages } from './request-hash.ts';

const dataDir = process.env.LLM_CASCADE_SHARED_DATA ?? '';

/** The first line of a file, read without loading the whole file (at most 1 MiB). */
function firstLine(path: string): string {
  const buffer = Buffer.alloc(1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('utf8').split('\n')[0] ?? '';
  } finally {
    closeSync(fd);
  }
}

function recordingFiles(root: string): string[] {
  if (root === '' || !existsSync(root)) return [];
  const files: string[] = [];
  for (const folder of readdirSync(root, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(join(root, folder.name))) {
      if (!file.endsWith('.jsonl')) continue;
      const path = join(root, folder.name, file);
      try {
        parseRecording(firstLine(path));
        files.push(path);
      } catch {
        // Not in the recording format: a dataset for `llm-cascade import`, not for replay.
      }
    }
  }
  return files;
}

const files = recordingFiles(dataDir);
if (dataDir === '')
  console.info('[provider-replay] LLM_CASCADE_SHARED_DATA is empty: skipping the shared-data replay test.');
else if (files.length === 0) {
  console.info(
    `[provider-replay] no .jsonl file under ${dataDir} is in the recording format yet: skipping the shared-data replay test.`,
  );
}

describe.skipIf(files.length === 0)('replay of real recorded data', () => {
  it.each(files)('loads %s and replays its first record', async (path) => {
    const provider = replayProvider({ path });
    expect(provider.size).toBeGreaterThan(0);
    const record = parseRecording(firstLine(path));
    const [model, tier] = Object.entries(record.tiers)[0] ?? [];
    if (model === undefined || tier === undefined) throw new Error('a valid record names at least one model');
    const generation = await provider.generate(
      { model, messages: requestMessages(record.request), requestId: record.id },
      { signal: new AbortController().signal, samples: tier.candidates.length },
    );
    expect(generation.candidates.map((candidate) => candidate.text)).toEqual(
      tier.candidates.map((candidate) => candidate.text),
    );
  });
});
