import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type JsonSchema } from '@llm-cascade/core';
import type { RecordedRequest, RecordedTier } from '@llm-cascade/provider-replay';
import { type ImportSummary, writeRecords } from './import-summary.ts';
import { readJsonLines } from './json-lines.ts';

/** The prompting methods of the StructuredRAG runs. */
export const STRUCTURED_RAG_METHODS = ['fstring', 'dspy'] as const;
export type StructuredRagMethod = (typeof STRUCTURED_RAG_METHODS)[number];

export interface ImportStructuredRagOptions {
  /** The `structured_rag_json` folder, or the `.jsonl` file itself. */
  readonly folder: string;
  readonly output: string;
  /**
   * Keep one prompting method and name models without it (`llama3:instruct`). Default: both, models named
   * `<model>|<method>` as in the data (`llama3:instruct|fstring`).
   */
  readonly method?: StructuredRagMethod;
}

interface StructuredRagRow {
  readonly id: string;
  readonly task: string;
  readonly prompt: string;
  readonly json_schema: JsonSchema;
  readonly models: Readonly<Record<string, { readonly response: string; readonly valid: boolean }>>;
}

/**
 * Token estimate for text without a tokenizer: UTF-8 bytes / 4, rounded up (English averages about four
 * bytes a token). The data records no token counts; every model is estimated the same way, so relative
 * costs rest on the prices, not on this estimate.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

function sourceFile(folder: string): string {
  if (!existsSync(folder)) throw new ConfigError('folder', `no ${folder}`);
  if (statSync(folder).isFile()) return folder;
  const files = readdirSync(folder).filter((name) => name.endsWith('.jsonl'));
  if (files.length !== 1) {
    throw new ConfigError(
      'folder',
      `expected one .jsonl file in ${folder}, found ${files.length}; give the file itself`,
    );
  }
  return join(folder, files[0] as string);
}

/**
 * Converts StructuredRAG (Shorten et al. 2024; `structured_rag_json/`: 784 RAG queries over 7 JSON output
 * formats, answered by Llama-3-8B, Gemini-1.5-Pro, GPT-4o and Claude-3.5-Sonnet) into the recording format,
 * streaming the file. Each model's raw response is one candidate labelled `correct` with the paper's
 * validity verdict; the request carries the prompt and the task's JSON Schema as its `responseFormat`
 * (so a config can validate each request against its own schema). There is no reference answer.
 *
 * Warning: the data has no token counts: usage is ESTIMATED from UTF-8 bytes / 4 of the prompt and the
 * response (`source.usageEstimated` says so), and the real prompts (with their format instructions) were
 * longer than the recorded context + question. Compare costs between models, not in absolute dollars.
 */
export async function importStructuredRag(options: ImportStructuredRagOptions): Promise<ImportSummary> {
  const method = options.method;
  if (method !== undefined && !STRUCTURED_RAG_METHODS.includes(method)) {
    throw new ConfigError(
      'method',
      `must be one of ${STRUCTURED_RAG_METHODS.join(', ')}, got ${JSON.stringify(method)}`,
    );
  }
  const file = sourceFile(options.folder);
  const warnings = new Set<string>();
  async function* records(): AsyncGenerator<RecordedRequest | undefined> {
    for await (const { value: row, line } of readJsonLines<StructuredRagRow>(file)) {
      if (typeof row?.id !== 'string' || typeof row.prompt !== 'string' || typeof row.models !== 'object') {
        warnings.add(`${file} line ${line}: not a query row, skipped`);
        yield undefined;
        continue;
      }
      const inputTokens = estimateTokens(row.prompt);
      const tiers: Record<string, RecordedTier> = {};
      for (const [cell, answer] of Object.entries(row.models)) {
        if (typeof answer?.response !== 'string' || typeof answer.valid !== 'boolean') continue;
        const bar = cell.lastIndexOf('|');
        const model = bar < 0 ? cell : cell.slice(0, bar);
        const cellMethod = bar < 0 ? undefined : cell.slice(bar + 1);
        if (method !== undefined && cellMethod !== method) continue;
        tiers[method === undefined ? cell : model] = {
          candidates: [{ text: answer.response, correct: answer.valid }],
          usage: { inputTokens, outputTokens: Math.max(1, estimateTokens(answer.response)) },
        };
      }
      if (Object.keys(tiers).length === 0) {
        yield undefined;
        continue;
      }
      const schema = row.json_schema;
      const hasSchema = (typeof schema === 'object' && schema !== null) || typeof schema === 'boolean';
      const record: RecordedRequest & { readonly source: Readonly<Record<string, string | boolean>> } = {
        id: row.id,
        request: {
          prompt: row.prompt,
          ...(hasSchema ? { responseFormat: { type: 'json_schema', schema, name: row.task } } : {}),
        },
        tiers,
        source: { dataset: 'structured_rag_json', task: row.task, usageEstimated: true },
      };
      yield record;
    }
  }
  const summary = await writeRecords(options.output, records());
  return { ...summary, warnings: [...warnings] };
}
