import type { OutputRecord } from './output-record.ts';

/**
 * The HTML report of output records (what `llm-cascade report` writes): one self-contained page, every record
 * string escaped. ECharts is loaded on the first call only, so importing this package stays cheap.
 */
export async function renderReport(options: {
  readonly records: Iterable<OutputRecord>;
  readonly title?: string;
  /** Rows in each worst-requests list (default 10). */
  readonly worstLimit?: number;
}): Promise<string> {
  const [{ createReportBuilder }, { renderReportHtml }] = await Promise.all([
    import('./report-data.ts'),
    import('./report-html.ts'),
  ]);
  const builder = createReportBuilder(options.worstLimit === undefined ? {} : { worstLimit: options.worstLimit });
  for (const record of options.records) builder.add(record);
  const data = builder.finish();
  return renderReportHtml(options.title === undefined ? { data } : { data, title: options.title });
}
