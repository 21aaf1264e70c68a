import { createReadStream } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { asUsageError, type CommandIo, parseWholeNumber, reportError } from './command-io.ts';
import { EXIT_CODES, type ExitCode, UsageError } from './exit-codes.ts';
import { REPORT_HELP } from './help.ts';
import { createReportBuilder, parseRecordLine, type ReportData } from './report-data.ts';
import { renderReportHtml } from './report-html.ts';

interface ReportFlags {
  readonly input: string;
  readonly html: string;
  readonly title: string | undefined;
  readonly worst: number;
}

function parseReportFlags(argv: readonly string[]): ReportFlags | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      html: { type: 'string' },
      title: { type: 'string' },
      worst: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help === true) return 'help';
  const [input, extra] = positionals;
  if (input === undefined) throw new UsageError('missing the results file (the output of llm-cascade run)');
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`);
  if (!values.html) throw new UsageError('missing --html <file>');
  return {
    input,
    html: values.html,
    title: values.title,
    worst: parseWholeNumber('--worst', values.worst, 1, 1000) ?? 10,
  };
}

/** Reads a run output file line by line into report data, holding only aggregates and the worst requests. */
export async function readReportData(options: {
  readonly path: string;
  readonly worstLimit?: number;
}): Promise<ReportData> {
  const builder = createReportBuilder(options.worstLimit === undefined ? {} : { worstLimit: options.worstLimit });
  const lines = createInterface({ input: createReadStream(options.path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const record = parseRecordLine(line);
    if (record === undefined) builder.addMalformed();
    else builder.add(record);
  }
  return builder.finish();
}

/**
 * `llm-cascade report <results.jsonl> --html <file>`: writes a self-contained HTML report of a run output
 * file (flow, cost, gate failures, latency, audits, worst requests). Never throws.
 */
export async function reportCommand(argv: readonly string[], io: CommandIo): Promise<ExitCode> {
  let flags: ReportFlags | 'help';
  try {
    flags = parseReportFlags(argv);
  } catch (error) {
    return reportError(io, 'report', asUsageError(error));
  }
  if (flags === 'help') {
    io.stdout.write(`${REPORT_HELP}\n`);
    return EXIT_CODES.ok;
  }
  try {
    await access(flags.input);
  } catch {
    return reportError(io, 'report', new UsageError(`cannot read ${JSON.stringify(flags.input)}`));
  }
  try {
    const data = await readReportData({ path: flags.input, worstLimit: flags.worst });
    const html = renderReportHtml(flags.title === undefined ? { data } : { data, title: flags.title });
    await writeFile(flags.html, html);
    const malformed = data.malformedLines > 0 ? `, ${data.malformedLines} malformed line(s) skipped` : '';
    io.stdout.write(`report: ${flags.html} (${data.summary.counts.processed} request(s)${malformed})\n`);
    return EXIT_CODES.ok;
  } catch (error) {
    return reportError(io, 'report', error);
  }
}
