import { afterEach, describe, expect, it, vi } from 'vitest';
import { offlineEnv, runExample } from './run-example.ts';

afterEach(() => vi.unstubAllEnvs());

describe('offlineEnv', () => {
  it('drops the API keys and the collector settings, keeps the rest', () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-test');
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-test');
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4318');
    vi.stubEnv('EXAMPLE_SUPPORT_KEPT', 'kept');
    const env = offlineEnv();
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(env.EXAMPLE_SUPPORT_KEPT).toBe('kept');
  });

  it('keeps what the caller adds, a collector the test runs for instance', () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://elsewhere:4318');
    expect(offlineEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(
      'http://127.0.0.1:1',
    );
  });
});

describe('runExample', () => {
  it('runs Node in the folder with the offline environment by default', async () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-test');
    const script = 'process.stdout.write(process.cwd() + " " + (process.env.OPENAI_API_KEY ?? "no key"))';
    const { stdout } = await runExample({ cwd: import.meta.dirname, args: ['-e', script] });
    expect(stdout).toBe(`${import.meta.dirname} no key`);
  });

  it('rejects with the exit code and output when the child fails', async () => {
    await expect(
      runExample({ cwd: import.meta.dirname, args: ['-e', 'console.error("broken"); process.exit(3)'] }),
    ).rejects.toMatchObject({ code: 3, stderr: 'broken\n' });
  });
});
