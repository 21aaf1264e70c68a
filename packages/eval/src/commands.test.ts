import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecordings } from '@llm-cascade/provider-replay';
import { afterAll, describe, expect, it } from 'vitest';
import { evalCommand } from './eval-command.ts';
import { importCommand } from './import-command.ts';
import { parseXml } from './testing/xml.ts';

const fixtures = fileURLToPath(new URL('./testing/fixtures/', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'llm-cascade-eval-cmd-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function sinks() {
  const io = { stdout: '', stderr: '' };
  return {
    io,
    streams: {
      stdout: { write: (text: string) => (io.stdout += text) },
      stderr: { write: (text: string) => (io.stderr += text) },
    },
  };
}

const QA = ['--data', join(fixtures, 'qa-recording.jsonl'), '--config', join(fixtures, 'qa.config.ts')];

describe('evalCommand', () => {
  it('prints the report and writes the chart, JSON and Markdown asked for', async () => {
    const { io, streams } = sinks();
    const files = { svg: join(out, 'a', 'qa.svg'), json: join(out, 'qa.json'), markdown: join(out, 'qa.md') };
    const code = await evalCommand(
      [
        ...QA,
        '--sweep',
        'confidence.threshold=-1:0:0.25',
        '--target-accuracy',
        '0.6',
        '--svg',
        files.svg,
        '--json',
        files.json,
        '--markdown',
        files.markdown,
      ],
      streams,
    );
    expect(io.stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(io.stdout).toContain('| small alone (cheapest) | 50.0% | 3/6 |');
    expect(io.stdout).toContain('| large alone (strongest) | 83.3% | 5/6 |');
    expect(io.stdout).toContain('| -0.75 | 66.7% | $0.00176 | $0.000293 | 26.7% | 16.7% | * |');
    expect(io.stdout).toContain('| -0.5 | 66.7% | $0.00176 | $0.000293 | 26.7% | 16.7% |  |');
    expect(io.stdout).toContain('Selected (cheapest setting with accuracy >= 0.6): confidence.threshold=-0.75');
    expect(io.stdout).toContain('| small | logprob | 6 | 5 | 1 | 0 | 83.3% | low-confidence 1 |');
    expect(readFileSync(files.markdown, 'utf8')).toBe(`${io.stdout}`);
    const report = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(report.points).toHaveLength(5);
    expect(report.selection).toMatchObject({ found: true, index: 1 });
    const elements = parseXml(readFileSync(files.svg, 'utf8'));
    expect(elements.filter((e) => e.attributes.class === 'pareto')).toHaveLength(3);
    expect(elements.filter((e) => e.attributes.class === 'baseline')).toHaveLength(2);
    expect(elements.filter((e) => e.attributes.class === 'selected')).toHaveLength(1);
  });

  it('exits 1 when no setting meets the target, 2 on usage and config errors', async () => {
    const miss = sinks();
    expect(
      await evalCommand([...QA, '--sweep', 'confidence.threshold=-1,0', '--target-accuracy', '0.99'], miss.streams),
    ).toBe(1);
    expect(miss.io.stdout).toContain('No setting meets accuracy >= 0.99');

    const cases: [string[], RegExp][] = [
      [['--data', 'x.jsonl'], /usage error: missing --config/],
      [[...QA, '--bogus'], /usage error: Unknown option '--bogus'/],
      [[...QA, '--scoring', 'fuzzy'], /--scoring must be one of/],
      [[...QA, '--target-accuracy', '1.5'], /--target-accuracy must be a number from 0 to 1/],
      [[...QA, '--target-accuracy', '0.5', '--max-cost', '1'], /at most one of --target-accuracy, --max-cost/],
      [[...QA, '--tolerance', '0.1'], /--tolerance needs --scoring numeric/],
      [
        [...QA, '--sweep', 'confidence.treshold=0:1:0.5'],
        /config error: sweep: unknown parameter 'confidence.treshold'/,
      ],
      [[...QA, '--sweep', 'threshold'], /config error: sweep: 'threshold': expected param=/],
      [
        ['--data', join(fixtures, 'qa-recording.jsonl'), '--config', join(out, 'none.ts')],
        /config error: config: file not found/,
      ],
      [['--data', join(out, 'none.jsonl'), '--config', join(fixtures, 'qa.config.ts')], /input error: .*no such file/],
    ];
    for (const [argv, message] of cases) {
      const { io, streams } = sinks();
      expect(await evalCommand(argv, streams), argv.join(' ')).toBe(2);
      expect(io.stderr, argv.join(' ')).toMatch(message);
    }
  });

  it('prints its help', async () => {
    const { io, streams } = sinks();
    expect(await evalCommand(['--help'], streams)).toBe(0);
    expect(io.stdout).toMatch(/^Usage: llm-cascade eval --data <file> --config <file>/);
  });
});

describe('importCommand', () => {
  it('converts each format to the path given', async () => {
    const runs: [string[], number][] = [
      [['mot', join(fixtures, 'mot'), '--samples', '2'], 2],
      [['mot', join(fixtures, 'mot'), '--dataset', 'gsm8k'], 2],
      [['zellinger', join(fixtures, 'zellinger'), '--benchmark', 'mmlu', '--benchmark', 'gsm8k'], 3],
      [['structured-rag', join(fixtures, 'structured-rag'), '--method', 'fstring'], 2],
    ];
    for (const [[format, ...rest], records] of runs) {
      const output = join(out, 'imports', `${format}-${records}.jsonl`);
      const { io, streams } = sinks();
      expect(await importCommand([format as string, ...rest, '--output', output], streams), io.stderr).toBe(0);
      expect(io.stderr).toContain(`import ${format}: ${records} record(s) written to ${output}`);
      expect(loadRecordings(output)).toHaveLength(records);
    }
  });

  it('reports usage errors with exit code 2 and writes nothing', async () => {
    const output = join(out, 'never.jsonl');
    const cases: [string[], RegExp][] = [
      [[], /the first argument is the format: mot, zellinger, structured-rag/],
      [['csv', 'x', '--output', output], /\(got "csv"\)/],
      [['mot', '--output', output], /missing the mot source folder/],
      [['mot', join(fixtures, 'mot')], /missing --output/],
      [['mot', join(fixtures, 'mot'), '--method', 'dspy', '--output', output], /--method does not apply to mot/],
      [['mot', join(fixtures, 'mot'), '--dataset', 'x', '--output', output], /--dataset must be one of/],
      [['mot', join(fixtures, 'mot'), '--samples', '1.5', '--output', output], /--samples must be a whole number/],
      [
        ['structured-rag', join(fixtures, 'structured-rag'), '--method', 'x', '--output', output],
        /--method must be one of/,
      ],
      [['zellinger', join(out, 'missing-folder'), '--output', output], /config error: folder: no folder/],
    ];
    for (const [argv, message] of cases) {
      const { io, streams } = sinks();
      expect(await importCommand(argv, streams), argv.join(' ')).toBe(2);
      expect(io.stderr, argv.join(' ')).toMatch(message);
    }
    expect(existsSync(output)).toBe(false);
  });

  it('prints its help', async () => {
    const { io, streams } = sinks();
    expect(await importCommand(['--help'], streams)).toBe(0);
    expect(io.stdout).toMatch(/^Usage: llm-cascade import <format> <source> --output <file>/);
  });
});
