import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from './command-io.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { exposureWarning, serveReplayCommand } from './serve-replay-command.ts';

const recording = fileURLToPath(new URL('./testing/fixtures/recorded.jsonl', import.meta.url));

function captureIo(): CommandIo & { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    out: () => stdout,
    err: () => stderr,
  };
}

/** Starts the command, waits for its URL line, stops it, and returns what it printed and its exit code. */
async function serveBriefly(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const stop = new AbortController();
  const running = serveReplayCommand(['--data', recording, '--port', '0', ...args], io, { stop: stop.signal });
  for (let i = 0; i < 500 && !io.out().includes('\n'); i += 1) await new Promise((settle) => setTimeout(settle, 10));
  const url = io.out();
  if (url !== '') {
    // The printed URL answers.
    const response = await fetch(`${url.trim()}/models`);
    expect(response.status).toBe(200);
  }
  stop.abort();
  const code = await running;
  return { code, stdout: io.out(), stderr: io.err() };
}

describe('llm-cascade serve-replay: the address', { timeout: 60_000 }, () => {
  it('prints the loopback URL and no warning by default', async () => {
    const { code, stdout, stderr } = await serveBriefly([]);
    expect(code).toBe(EXIT_CODES.ok);
    expect(stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\n$/);
    expect(stderr).not.toMatch(/warning/);
  });

  it('prints the address actually bound for --host 0.0.0.0, and warns that it is not loopback', async () => {
    const { code, stdout, stderr } = await serveBriefly(['--host', '0.0.0.0']);
    expect(code).toBe(EXIT_CODES.ok);
    const port = /^http:\/\/0\.0\.0\.0:(\d+)\/v1\n$/.exec(stdout)?.[1];
    expect(port).toBeDefined();
    expect(stderr).toContain(
      `llm-cascade serve-replay: warning: listening on 0.0.0.0 (every network interface), not loopback: the server has no authentication, so anyone who can reach this address can use it; from this machine use http://127.0.0.1:${port}/v1\n`,
    );
  });

  it('warns for a network address', () => {
    expect(exposureWarning({ address: '192.168.1.20', loopback: false, port: 8787 })).toBe(
      'llm-cascade serve-replay: warning: listening on 192.168.1.20, not loopback: the server has no authentication, so anyone who can reach this address can use it\n',
    );
    expect(exposureWarning({ address: '::1', loopback: true, port: 8787 })).toBeUndefined();
  });

  it.skipIf(!existsSync('/dev/zero'))(
    'stops reading a dataset without line breaks at the line cap: exit 2',
    async () => {
      const io = captureIo();
      const code = await serveReplayCommand(['--data', '/dev/zero', '--max-line-bytes', '100000'], io);
      expect(code).toBe(EXIT_CODES.usage);
      expect(io.err()).toBe(
        'llm-cascade serve-replay: config error: /dev/zero line 1: the line is longer than 100000 bytes (maxLineBytes); is this a JSONL file?\n',
      );
      expect(io.out()).toBe('');
    },
  );
});
