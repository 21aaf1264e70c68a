import { parseArgs } from 'node:util';
import {
  EVAL_EXIT_CODES,
  type EvalCommandIo,
  type EvalExitCode,
  EvalUsageError,
  parseNumberFlag,
  reportCommandError,
} from './command-io.ts';
import { IMPORT_HELP } from './help.ts';
import { importMot, MOT_DATASETS, type MotDataset } from './import-mot.ts';
import { importStructuredRag, STRUCTURED_RAG_METHODS, type StructuredRagMethod } from './import-structured-rag.ts';
import type { ImportSummary } from './import-summary.ts';
import { importZellinger } from './import-zellinger.ts';

/** The formats `import` converts. */
export const IMPORT_FORMATS = ['mot', 'zellinger', 'structured-rag'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * `llm-cascade import <format> <source> --output <file>`: converts a public dataset into the recording
 * format (see `IMPORT_HELP`). Prints a one-line summary on stderr (stdout may be the output). Returns the
 * exit code; never throws.
 */
export async function importCommand(argv: readonly string[], io: EvalCommandIo): Promise<EvalExitCode> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        output: { type: 'string', short: 'o' },
        dataset: { type: 'string' },
        samples: { type: 'string' },
        benchmark: { type: 'string', multiple: true },
        split: { type: 'string' },
        method: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (values.help === true) {
      io.stdout.write(`${IMPORT_HELP}\n`);
      return EVAL_EXIT_CODES.ok;
    }
    const [format, folder, ...extra] = positionals;
    if (format === undefined || !IMPORT_FORMATS.includes(format as ImportFormat)) {
      throw new EvalUsageError(
        `the first argument is the format: ${IMPORT_FORMATS.join(', ')}${format === undefined ? '' : ` (got ${JSON.stringify(format)})`}`,
      );
    }
    if (folder === undefined) throw new EvalUsageError(`missing the ${format} source folder`);
    if (extra.length > 0) throw new EvalUsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    if (values.output === undefined || values.output === '') throw new EvalUsageError('missing --output');
    const output = values.output;
    const allowed: Record<ImportFormat, readonly string[]> = {
      mot: ['dataset', 'samples'],
      zellinger: ['benchmark', 'split'],
      'structured-rag': ['method'],
    };
    for (const flag of ['dataset', 'samples', 'benchmark', 'split', 'method'] as const) {
      if (values[flag] !== undefined && !allowed[format as ImportFormat].includes(flag)) {
        throw new EvalUsageError(`--${flag} does not apply to ${format}`);
      }
    }
    let summary: ImportSummary;
    if (format === 'mot') {
      const dataset = values.dataset ?? 'date';
      if (!MOT_DATASETS.includes(dataset as MotDataset)) {
        throw new EvalUsageError(`--dataset must be one of ${MOT_DATASETS.join(', ')}, got ${JSON.stringify(dataset)}`);
      }
      const samples = parseNumberFlag('--samples', values.samples, 1, 1_000_000, true);
      summary = await importMot({
        folder,
        output,
        dataset: dataset as MotDataset,
        ...(samples === undefined ? {} : { samples }),
      });
    } else if (format === 'zellinger') {
      summary = await importZellinger({
        folder,
        output,
        ...(values.benchmark === undefined ? {} : { benchmarks: values.benchmark }),
        ...(values.split === undefined ? {} : { split: values.split }),
      });
    } else {
      const method = values.method;
      if (method !== undefined && !STRUCTURED_RAG_METHODS.includes(method as StructuredRagMethod)) {
        throw new EvalUsageError(
          `--method must be one of ${STRUCTURED_RAG_METHODS.join(', ')}, got ${JSON.stringify(method)}`,
        );
      }
      summary = await importStructuredRag({
        folder,
        output,
        ...(method === undefined ? {} : { method: method as StructuredRagMethod }),
      });
    }
    for (const warning of summary.warnings.slice(0, 20)) io.stderr.write(`import: warning: ${warning}\n`);
    io.stderr.write(
      `import ${format}: ${summary.records} record(s) written to ${output}${summary.skipped > 0 ? `, ${summary.skipped} row(s) skipped` : ''}\n`,
    );
    return EVAL_EXIT_CODES.ok;
  } catch (error) {
    return reportCommandError(io, 'import', error);
  }
}
