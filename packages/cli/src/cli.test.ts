import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpanJson } from './json-lines-span-exporter.ts';
import type { OutputRecord } from './output-record.ts';
import type { BatchSummary } from './summary.ts';
import { startOtlpReceiver } from './testing/otlp-receiver.ts';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const bin = fileURLToPath(new URL('../bin/llm-cascade.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./testing/fixtures/${name}`, import.meta.url));

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of the child: this one without OTEL_* variables, plus the test's own. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OTEL_') && key !== 'NODE_OPTIONS' && !key.startsWith('VITEST')) env[key] = value;
  }
  return { ...env, ...extra };
}

function start(args: readonly string[], options: { env?: Record<string, string>; viaBin?: boolean } = {}) {
  const entry = options.viaBin ? [bin] : ['--conditions=source', main];
  const child = spawn(process.execPath, [...entry, ...args], {
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const finished = new Promise<Finished>((settle) => {
    child.on('close', (code, signal) => settle({ code, signal, stdout, stderr }));
  });
  return { child, finished, output: () => ({ stdout, stderr }) };
}

// Every run test uses the scripted two-tier cascade; the tests spell out only what differs.
const scripted = ['-c', fixture('scripted.config.ts')] as const;

function cli(args: readonly string[], options: { env?: Record<string, string>; viaBin?: boolean } = {}) {
  return start(args, options).finished;
}

function readRecords(path: string): OutputRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutputRecord);
}

async function waitFor(check: () => boolean, what: string, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < 3000; i += 1) {
    if (check()) return;
    if (child !== undefined && child.exitCode !== null) throw new Error(`the child exited before ${what}`);
    await new Promise((settle) => setTimeout(settle, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cascade-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Child processes start slowly on a loaded machine: generous timeouts, no timing assertions.
describe('llm-cascade run', { timeout: 90_000 }, () => {
  it('runs a batch end to end: malformed line reported and skipped, failures recorded, exit 1', async () => {
    const input = join(dir, 'requests.jsonl');
    const output = join(dir, 'results.jsonl');
    const summaryPath = join(dir, 'summary.json');
    writeFileSync(
      input,
      [
        '{"id":"a","prompt":"easy one"}',
        '{"id":"b","prompt":"hard two"}',
        '{"id":"c", this is not json',
        '{"prompt":"fixable four"}',
        '{"id":"e","prompt":"impossible five"}',
        '',
      ].join('\n'),
    );
    const result = await cli([
      'run',
      '--config',
      fixture('scripted.config.ts'),
      '--input',
      input,
      '--output',
      output,
      '--summary-json',
      summaryPath,
      '--progress',
      'lines',
    ]);
    expect(result.stderr).toMatch(/input line 3: skipped, not JSON/);
    expect(result.code).toBe(1);
    const records = readRecords(output);
    expect(records.map((r) => r.id).sort()).toEqual(['a', 'b', 'e', 'line-4']);
    expect(records.find((r) => r.id === 'b')).toMatchObject({
      ok: true,
      tier: 'large',
      value: 'HARD TWO',
      escalations: 1,
    });
    expect(records.find((r) => r.id === 'line-4')).toMatchObject({ ok: true, tier: 'small', repairs: 1 });
    expect(records.find((r) => r.id === 'e')).toMatchObject({ ok: false, error: { code: 'CASCADE_EXHAUSTED' } });
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as BatchSummary & { exitCode: number };
    expect(summary.exitCode).toBe(1);
    expect(summary.counts).toMatchObject({ processed: 4, accepted: 3, errors: 1, malformed: 1, skipped: 0 });
    expect(summary.tiers.small?.answered).toBe(2);
    expect(summary.tiers.large?.answered).toBe(1);
    expect(summary.gateFailures['answer-format']).toBe(4);
    expect(summary.latencyMs.p50).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/answered by tier: small 66\.7% \(2\), large 33\.3% \(1\)/);
    expect(result.stderr).toMatch(/the top tier alone, on the answered items/);
    expect(result.stderr).toMatch(/latency p50 .* p95 /);

    // Rerun: everything is already done; the earlier failure still makes it exit 1, and nothing is added.
    const again = await cli(['run', ...scripted, '-i', input, '-o', output]);
    expect(again.code).toBe(1);
    expect(readRecords(output)).toHaveLength(4);
    expect(again.stderr).toMatch(/skipped 4/);
  });

  it('exits 0 when every item is accepted, through the bin without --conditions', async () => {
    const input = join(dir, 'requests.jsonl');
    const output = join(dir, 'results.jsonl');
    writeFileSync(input, '{"id":"x","prompt":"easy"}\n{"id":"y","prompt":"hard"}\n');
    const result = await cli(['run', ...scripted, '-i', input, '-o', output], {
      viaBin: true,
    });
    expect(result.stderr).toMatch(/accepted 2/);
    expect(result.code).toBe(0);
    expect(
      readRecords(output)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['x', 'y']);
  });

  it('passes --min-tier and --budget-usd to every run, and rejects a tier it does not know', async () => {
    const input = join(dir, 'requests.jsonl');
    writeFileSync(input, '{"id":"x","prompt":"easy"}\n');
    const floored = join(dir, 'floored.jsonl');
    expect((await cli(['run', ...scripted, '-i', input, '-o', floored, '--min-tier', '1'])).code).toBe(0);
    expect(readRecords(floored)[0]).toMatchObject({ id: 'x', tier: 'large' });
    const broke = join(dir, 'broke.jsonl');
    const poor = await cli(['run', ...scripted, '-i', input, '-o', broke, '--budget-usd', '0']);
    expect(poor.code).toBe(1);
    expect(readRecords(broke)[0]).toMatchObject({ id: 'x', ok: false, error: { code: 'BUDGET_EXCEEDED' } });
    const unknown = await cli(['run', ...scripted, '-i', input, '-o', join(dir, 'u.jsonl'), '--min-tier', 'huge']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--min-tier names no tier: "huge" \(tiers: small, large\)/);
    const badBudget = await cli(['run', ...scripted, '-i', input, '-o', join(dir, 'b.jsonl'), '--budget-usd', '-1']);
    expect(badBudget.code).toBe(2);
  });

  it('resumes after SIGINT with nothing lost and nothing repeated', async () => {
    const input = join(dir, 'requests.jsonl');
    const output = join(dir, 'results.jsonl');
    const ids = Array.from({ length: 40 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
    writeFileSync(input, `${ids.map((id) => JSON.stringify({ id, prompt: `easy ${id}` })).join('\n')}\n`);
    const args = [
      'run',
      '-c',
      fixture('scripted.config.ts'),
      '-i',
      input,
      '-o',
      output,
      '-n',
      '4',
      '--progress',
      'off',
    ];

    const first = start(args, { env: { LLM_CASCADE_TEST_DELAY_MS: '150' } });
    await waitFor(() => readRecords(output).length >= 8, 'eight results', first.child);
    first.child.kill('SIGINT');
    const interrupted = await first.finished;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/SIGINT: stopping/);
    expect(interrupted.stderr).toMatch(/interrupted after \d+ item/);
    const partial = readRecords(output);
    expect(partial.length).toBeGreaterThanOrEqual(8);
    expect(partial.length).toBeLessThan(ids.length);
    expect(new Set(partial.map((r) => r.id)).size).toBe(partial.length);
    expect(partial.every((r) => r.ok)).toBe(true);

    const second = await cli(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`skipped ${partial.length}`));
    const text = readFileSync(output, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const final = readRecords(output);
    expect(final).toHaveLength(ids.length);
    expect(new Set(final.map((r) => r.id))).toEqual(new Set(ids));
  });

  it('exits 2 with the field named when the config throws ConfigError', async () => {
    const input = join(dir, 'requests.jsonl');
    writeFileSync(input, '{"prompt":"easy"}\n');
    const result = await cli(['run', '-c', fixture('bad-price.config.ts'), '-i', input, '-o', join(dir, 'out.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^llm-cascade run: config error: tiers\[1\]\.price\.inputPerMTok: /m);
    expect(existsSync(join(dir, 'out.jsonl'))).toBe(false);
  });

  it('exits 2 on usage errors and missing files, with stable messages', async () => {
    const input = join(dir, 'requests.jsonl');
    writeFileSync(input, '{"prompt":"easy"}\n');
    const noOutput = await cli(['run', ...scripted, '-i', input]);
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toMatch(/llm-cascade run: usage error: missing --output/);
    const badFlag = await cli(['run', '--frobnicate']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/usage error: Unknown option '--frobnicate'/);
    const badNumber = await cli(['run', '-c', 'x', '-i', 'y', '-o', 'z', '-n', 'many']);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toMatch(/--concurrency must be a whole number/);
    const noConfig = await cli(['run', '-c', join(dir, 'missing.config.ts'), '-i', input, '-o', join(dir, 'o.jsonl')]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/config error: config: file not found/);
    const noInput = await cli(['run', ...scripted, '-i', join(dir, 'nope'), '-o', join(dir, 'o')]);
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toMatch(/config error: input: file not found/);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('prints help for each command and exits 0', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:\n\s+run\s/);
    const run = await cli(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Usage: llm-cascade run --config/);
    const serve = await cli(['help', 'serve-replay']);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toMatch(/Usage: llm-cascade serve-replay --data/);
  });

  it('writes spans to --trace-file', async () => {
    const input = join(dir, 'requests.jsonl');
    const traceFile = join(dir, 'trace.jsonl');
    writeFileSync(input, '{"id":"a","prompt":"easy"}\n{"id":"b","prompt":"hard"}\n');
    const result = await cli([
      'run',
      ...scripted,
      '-i',
      input,
      '-o',
      join(dir, 'out.jsonl'),
      '--trace-file',
      traceFile,
    ]);
    expect(result.code).toBe(0);
    const spans = readFileSync(traceFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanJson);
    const runs = spans.filter((s) => s.name === 'cascade.run');
    expect(runs.map((s) => s.attributes['cascade.request.id']).sort()).toEqual(['a', 'b']);
    const hard = runs.find((s) => s.attributes['cascade.request.id'] === 'b');
    const attempts = spans.filter((s) => s.parentSpanId === hard?.spanId);
    expect(attempts.map((s) => s.name)).toEqual(['cascade.attempt small', 'cascade.attempt large']);
    expect(
      spans.filter((s) => s.kind === 'CLIENT').every((s) => s.attributes['gen_ai.operation.name'] === 'chat'),
    ).toBe(true);
  });

  it('exports over OTLP with --otlp', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const input = join(dir, 'requests.jsonl');
      writeFileSync(input, '{"id":"a","prompt":"easy"}\n{"id":"b","prompt":"hard"}\n');
      const result = await cli(['run', ...scripted, '-i', input, '-o', join(dir, 'out.jsonl'), '--otlp', receiver.url]);
      expect(result.stderr).not.toMatch(/warning/);
      expect(result.code).toBe(0);
      const spans = receiver.spans();
      const runs = spans.filter((s) => s.name === 'cascade.run');
      expect(runs).toHaveLength(2);
      expect(runs[0]?.resource['service.name']).toBe('llm-cascade');
      const chats = spans.filter((s) => s.name.startsWith('chat '));
      expect(chats).toHaveLength(3);
      expect(chats.every((s) => s.attributes['gen_ai.provider.name'] === 'scripted')).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('finishes with one warning and its normal exit code when the collector is down', async () => {
    const probe = createServer();
    await new Promise<void>((settle) => probe.listen(0, '127.0.0.1', settle));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((settle) => probe.close(() => settle()));
    const input = join(dir, 'requests.jsonl');
    writeFileSync(input, '{"id":"a","prompt":"easy"}\n');
    const result = await cli(['run', ...scripted, '-i', input, '-o', join(dir, 'out.jsonl')], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_TIMEOUT: '1000' },
    });
    expect(result.code).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/tracing: .*127\.0\.0\.1/);
  });
});

describe('llm-cascade serve-replay', { timeout: 90_000 }, () => {
  it('serves a recording to the real openai client until SIGINT, and a run goes through it', async () => {
    const server = start(['serve-replay', '--data', fixture('recorded.jsonl'), '--port', '0']);
    await waitFor(() => server.output().stdout.includes('\n'), 'the base URL', server.child);
    const baseURL = server.output().stdout.split('\n')[0] as string;
    expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    try {
      const input = join(dir, 'requests.jsonl');
      const output = join(dir, 'out.jsonl');
      writeFileSync(
        input,
        '{"id":"q1","prompt":"What is 2 + 2?"}\n{"id":"q2","prompt":"What is the capital of France?"}\n',
      );
      const run = await cli(['run', '-c', fixture('replay-openai.config.ts'), '-i', input, '-o', output], {
        env: { LLM_CASCADE_TEST_BASE_URL: baseURL },
      });
      expect(run.stderr).toMatch(/accepted 2/);
      expect(run.code).toBe(0);
      const records = readRecords(output);
      expect(records.find((r) => r.id === 'q1')).toMatchObject({ ok: true, tier: 'large', value: '4' });
      expect(records.find((r) => r.id === 'q2')).toMatchObject({ ok: true, tier: 'small', value: 'Paris' });
    } finally {
      server.child.kill('SIGINT');
    }
    const stopped = await server.finished;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/stopped/);
  });

  it('exits 2 for a missing dataset or flag', async () => {
    const missing = await cli(['serve-replay', '--data', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/llm-cascade serve-replay: config error: /);
    const noData = await cli(['serve-replay']);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/usage error: missing --data/);
  });
});

describe('llm-cascade eval and import', { timeout: 90_000 }, () => {
  const evalExamples = fileURLToPath(new URL('../../eval/examples/', import.meta.url));
  const evalFixtures = fileURLToPath(new URL('../../eval/src/testing/fixtures/', import.meta.url));

  it('replays a recording through a config with a sweep and picks the cheapest setting meeting the target', async () => {
    const result = await cli([
      'eval',
      '--data',
      join(evalExamples, 'demo-recording.jsonl'),
      '--config',
      join(evalExamples, 'demo.config.ts'),
      '--sweep',
      'accept.mini=-0.5:0:0.25',
      '--target-accuracy',
      '0.85',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/large alone \(strongest\) \| 100\.0%/);
    expect(result.stdout).toMatch(/Selected \(cheapest setting with accuracy >= 0\.85\)/);
  });

  it('imports public recorded data into the recorded format, and help names both commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-cascade-import-'));
    try {
      const output = join(dir, 'zellinger.jsonl');
      const imported = await cli([
        'import',
        'zellinger',
        join(evalFixtures, 'zellinger'),
        '--benchmark',
        'mmlu',
        '--output',
        output,
      ]);
      expect(imported.code, imported.stderr).toBe(0);
      const lines = readFileSync(output, 'utf8').trim().split('\n');
      expect(lines.length).toBeGreaterThan(0);
      expect(JSON.parse(lines[0] as string)).toHaveProperty('tiers');
      const help = await cli(['help', 'import']);
      expect(help.stdout).toMatch(/Usage: llm-cascade import/);
      expect((await cli(['--help'])).stdout).toMatch(/eval .*\n.*import/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
