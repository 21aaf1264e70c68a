import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Variables that would take an example off its offline path: API keys, and a trace collector. */
const ONLINE_VARIABLES = [
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_SDK_DISABLED',
] as const;

/**
 * This process's environment with no API key and no collector, so an example takes its offline path (the
 * replay server, traces to a file); `extra` is added on top and wins, e.g. a collector the test runs.
 */
export function offlineEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ONLINE_VARIABLES) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

export interface RunExampleOptions {
  /** The working directory: the example's folder, or the repository root for a root script. */
  readonly cwd: string;
  /** Node's arguments. Default: the folder's main.ts under the `source` condition, as `pnpm start` runs it. */
  readonly args?: readonly string[];
  /** Default `offlineEnv()`: a smoke test must never call a real API. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs an example as a child process of this Node, as a person would, and resolves with what it printed.
 * Rejects when it exits non-zero (the error carries `code`, `stdout` and `stderr`).
 */
export async function runExample(options: RunExampleOptions): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [...(options.args ?? ['--conditions=source', 'main.ts'])], {
    cwd: options.cwd,
    env: options.env ?? offlineEnv(),
  });
}
