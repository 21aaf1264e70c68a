// Smoke tests: the demo (this example's main.ts, which the root `pnpm demo` runs) and the CLI config, each a
// child process with no API key, against the embedded replay server; plus the recording is what its writer
// produces from the hand-written script.
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { offlineEnv, runExample } from '@llm-cascade/example-support';
import { describe, expect, it } from 'vitest';
import { RECORDING_PATH, REQUESTS_PATH, writeRecording } from './recorded/write-recording.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));

const EXPECTED_PATHS = [
  'inv-001  small ✓',
  'inv-002  small ✓',
  'inv-003  small ✗ schema-invalid → repair ✓',
  'inv-004  small ✓',
  'inv-005  small ✗ invalid-json → repair ✓',
  'inv-006  small ✓',
  'inv-007  small ✗ totals-mismatch → repair ✗ totals-mismatch → medium ✓',
  'inv-008  small ✓',
  'inv-009  small ✗ schema-invalid → repair ✓',
  'inv-010  small ✗ schema-invalid → repair ✗ schema-invalid → medium ✗ totals-mismatch → repair ✗ totals-mismatch → claude ✓',
  'inv-011  small ✓',
  'inv-012  small ✗ schema-invalid → repair ✗ schema-invalid → medium ✓',
  'inv-013  small ✓',
  'inv-014  small ✗ totals-mismatch → repair ✓',
  'inv-015  small ✗ invalid-json → repair ✗ totals-mismatch → medium ✗ totals-mismatch → repair ✗ totals-mismatch → claude ✓',
  'inv-016  small ✓',
  'inv-017  small ✗ schema-invalid → repair ✗ schema-invalid → medium ✗ schema-invalid → repair ✗ schema-invalid → claude ✗ schema-invalid  → no tier passed: CASCADE_EXHAUSTED',
];

/** The path part of each request's line, without its cost. */
function paths(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('inv-'))
    .map((line) => line.replace(/ {1,2}\(\$[\d.]+( spent)?\)$/, ''));
}

describe('the demo (pnpm demo)', () => {
  it('is what the root demo script runs', () => {
    const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: { demo: string } }).scripts;
    expect(scripts.demo).toBe('node --conditions=source examples/structured-extraction/main.ts');
  });

  it('takes every invoice up the recorded path, prints the summary and writes a trace file', async () => {
    // Run from the root, as `pnpm demo` runs it, so the printed paths are the ones a reader sees.
    const { stdout } = await runExample({
      cwd: root,
      args: ['--conditions=source', 'examples/structured-extraction/main.ts'],
    });
    expect(stdout).toContain('OpenAI tiers: replay server at http://127.0.0.1:');
    expect(stdout).toContain('written by hand for this demo, not produced by a model');
    expect(paths(stdout)).toEqual(EXPECTED_PATHS);
    expect(stdout).toMatch(/^done: 17 item\(s\) in /m);
    expect(stdout).toContain('  accepted 16, not accepted 0, errors 1,');
    expect(stdout).toContain('  answered by tier: small 75.0% (12), medium 12.5% (2), claude 12.5% (2)');
    expect(stdout).toContain('  gate failures: json-schema 13, totals-add-up 8');
    expect(stdout).toContain('  repairs 12, escalations 8');
    // Costs follow from the recorded token counts and the providers' published price tables.
    expect(stdout).toMatch(/^ {2}cost \$0\.0274 against \$0\.0412 for the top tier alone .*: 33\.5% saved$/m);
    expect(stdout).toMatch(/^ {2}latency p50 \d+(\.\d+)? m?s, p95 \d+(\.\d+)? m?s$/m);
    expect(stdout).toContain('results: examples/structured-extraction/.cascade-out/results.jsonl');
    expect(stdout).toMatch(/^traces: \d+ spans in examples\/structured-extraction\/\.cascade-out\/traces\.jsonl/m);

    const spans = readFileSync(`${here}.cascade-out/traces.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            name: string;
            attributes: Record<string, unknown>;
            events: { name: string; attributes: Record<string, unknown> }[];
          },
      );
    const runs = spans.filter((span) => span.name === 'cascade.run');
    expect(runs).toHaveLength(17);
    const inv010 = runs.find((span) => span.attributes['cascade.request.id'] === 'inv-010');
    expect(inv010?.attributes).toMatchObject({ 'cascade.final_tier': 'claude', 'cascade.escalations': 2 });
    expect(spans.some((span) => span.name === 'chat claude-sonnet-4-5')).toBe(true);
    const escalations = spans.flatMap((span) => span.events.filter((event) => event.name === 'escalation'));
    expect(escalations.length).toBeGreaterThanOrEqual(8);

    const results = readFileSync(`${here}.cascade-out/results.jsonl`, 'utf8').trim().split('\n');
    expect(results).toHaveLength(17);
    const first = JSON.parse(results[0] ?? '{}') as { value: { invoiceNumber: string; total: number } };
    expect(first.value).toMatchObject({ invoiceNumber: 'NL-2025-0412', total: 1677.9 });
  });

  it('sends its traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const bodies: Buffer[] = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') bodies.push(Buffer.concat(chunks));
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    try {
      const { stdout } = await runExample({ cwd: here, env: offlineEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }) });
      expect(stdout).toContain(`traces: sent over OTLP to ${endpoint}/v1/traces`);
      // Protobuf carries span names as plain UTF-8 bytes.
      const received = Buffer.concat(bodies).toString('latin1');
      expect(received).toContain('cascade.run');
      expect(received).toContain('cascade.gate totals-add-up');
      expect(received).toContain('escalation');
    } finally {
      await new Promise((closed) => receiver.close(closed));
    }
  });
});

describe('the CLI config', () => {
  it('runs the batch with `llm-cascade run`, offline', async () => {
    const output = `${here}.cascade-out/cli-test.jsonl`;
    // The command resumes from an existing output file: start from none.
    rmSync(output, { force: true });
    const bin = fileURLToPath(new URL('./node_modules/@llm-cascade/cli/bin/llm-cascade.js', import.meta.url));
    const args = ['run', '--config', 'cascade.config.ts', '--input', 'requests.jsonl', '--output', output];
    const failed = await runExample({ cwd: here, args: [bin, ...args, '--progress', 'off'] }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    // Exit code 1: one item (the delivery note) failed every tier, as the CLI reports it.
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('answered by tier: small 75.0% (12), medium 12.5% (2), claude 12.5% (2)');
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(17);
    rmSync(output);
  });
});

describe('the recording', () => {
  it('is what write-recording.ts makes of the hand-written script', async () => {
    const { requests, recording } = await writeRecording();
    expect(requests).toBe(readFileSync(REQUESTS_PATH, 'utf8'));
    expect(recording).toBe(readFileSync(RECORDING_PATH, 'utf8'));
    for (const line of recording.trim().split('\n')) {
      expect((JSON.parse(line) as { note: string }).note).toContain('Written by hand for this example');
    }
  });
});
