/**
 * Hangs, crashes, memory caps and shutdown: the checker's processes and threads are killed and replaced,
 * the gate fails the answer instead of throwing, and close() (or a forgotten close) leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gateContext } from '@llm-cascade/core/test';
import { afterEach, describe, expect, it } from 'vitest';
import { type CodeCompilesGate, codeCompilesGate } from './code-compiles-gate.ts';
import type { CodeCompilesGateOptions } from './gate-options.ts';
import { processAlive } from './process-memory.ts';

const linux = process.platform === 'linux';

/** Child processes of this process, from /proc: the compiler (`tsc`, the tsgo binary) and Python. */
function childProcesses(parent = process.pid): { pid: number; command: string }[] {
  const children: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const command = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid === parent) children.push({ pid: Number(entry), command });
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

const compilers = () => childProcesses().filter((c) => c.command === 'tsc');
const pythons = () => childProcesses().filter((c) => c.command.startsWith('python'));
/** JavaScript parser processes: the only Node children of a test worker (Node names its main thread so). */
const parsers = () => childProcesses().filter((c) => c.command === 'MainThread' || c.command === 'node');

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

/**
 * Permutations of 8 letters: a union of 40,320 tuples, built through recursive conditional types. tsgo
 * needs about 30 s and 1.5 GB for it (measured with the plain CLI): a real pathological type, not a hook.
 */
const PERMUTATIONS = `type Permutations<U, T = U> = [U] extends [never] ? [] : U extends unknown ? [U, ...Permutations<Exclude<T, U>>] : never;
type All = Permutations<'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h'>;
export const first: All = ['a'];
`;

/** A 250,000-element list display: CPython's compile() needs over a second for it. */
const SLOW_PYTHON = `x = [${Array.from({ length: 250_000 }, () => 'a').join(',')}]\n`;

// Each test closes its gates before the next starts, so the child processes a test sees are its own.
const gates: CodeCompilesGate[] = [];
function gate(options: CodeCompilesGateOptions): CodeCompilesGate {
  const made = codeCompilesGate({ poolSize: 1, ...options });
  gates.push(made);
  return made;
}
afterEach(async () => {
  await Promise.all(gates.splice(0).map((g) => g.close()));
});

describe('a hanging check', () => {
  it('TypeScript: is stopped at the timeout, fails the gate, and the next check works', {
    timeout: 60_000,
  }, async () => {
    const typescript = gate({ language: 'typescript', timeoutMs: 3_000 });
    await typescript.warmUp();
    const before = linux ? compilers().map((c) => c.pid) : [];
    const result = await typescript.evaluate(gateContext({ text: PERMUTATIONS }));
    expect(result).toMatchObject({ status: 'fail', reason: 'timeout' });
    expect(result.feedback).toMatch(/took longer than 3000 ms/);
    expect(typescript.stats.typescript).toMatchObject({ timeouts: 1 });
    if (linux) expect(before.every((pid) => !processAlive(pid))).toBe(true);
    expect((await typescript.check('export const ok: number = 1;')).status).toBe('pass');
    expect(typescript.stats.typescript).toMatchObject({ started: 2, timeouts: 1, crashes: 0 });
  });

  it('TypeScript with the default caps: an exponential type fails within 5 s or 512 MiB, saying which', {
    timeout: 60_000,
  }, async () => {
    const typescript = gate({ language: 'typescript' });
    await typescript.warmUp();
    const result = await typescript.evaluate(gateContext({ text: PERMUTATIONS }));
    expect(['timeout', 'memory-limit']).toContain(result.reason);
    const message = String(result.details?.message);
    if (result.reason === 'timeout') {
      expect(message).toBe('the check took longer than 5000 ms and was stopped');
      expect(result.feedback).toMatch(
        /^Checking your TypeScript code took longer than 5000 ms, so the check was stopped/,
      );
    } else {
      expect(message).toMatch(/memory cap \(\d+ MiB > 512 MiB\)/);
      expect(result.feedback).toMatch(/^Checking your TypeScript code needed more than the checker's 512 MiB/);
    }
    expect(result.feedback).toMatch(/a type that expands exponentially or recurses deeply/);
    expect((await typescript.check('export const ok: number = 1;')).status).toBe('pass');
  });

  it('Python: is stopped at the timeout, and the next check works', { timeout: 60_000 }, async () => {
    const python = gate({ language: 'python', timeoutMs: 400, maxSourceBytes: 1_000_000 });
    await python.warmUp();
    const result = await python.evaluate(gateContext({ text: SLOW_PYTHON }));
    expect(result).toMatchObject({ status: 'fail', reason: 'timeout' });
    expect((await python.check('y = 1')).status).toBe('pass');
    expect(python.stats.python).toMatchObject({ started: 2, timeouts: 1 });
  });
});

describe.skipIf(!linux)('a crashed or runaway checker (Linux: finds and kills child processes)', () => {
  it('TypeScript compiler killed mid-check: worker-crashed without feedback, then recovery', {
    timeout: 60_000,
  }, async () => {
    const typescript = gate({ language: 'typescript', timeoutMs: 60_000 });
    await typescript.warmUp();
    const running = typescript.evaluate(gateContext({ text: PERMUTATIONS }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const { pid } of compilers()) process.kill(pid, 'SIGKILL');
    const result = await running;
    expect(result).toMatchObject({ status: 'fail', reason: 'worker-crashed' });
    expect(result.feedback).toBeUndefined();
    expect((await typescript.check('export const ok = 1;')).status).toBe('pass');
    expect(typescript.stats.typescript).toMatchObject({ crashes: 1, started: 2 });
  });

  it('TypeScript compiler dying while idle is replaced before the next check', { timeout: 60_000 }, async () => {
    const typescript = gate({ language: 'typescript' });
    await typescript.warmUp();
    for (const { pid } of compilers()) process.kill(pid, 'SIGKILL');
    // The worker notices its compiler's exit and reports it; give that message a moment to arrive.
    await until(() => typescript.stats.typescript?.live === 0, 5_000);
    expect((await typescript.check('export const ok = 1;')).status).toBe('pass');
    expect(typescript.stats.typescript).toMatchObject({ crashes: 0, started: 2 });
  });

  it('Python killed mid-check: worker-crashed, then recovery', { timeout: 60_000 }, async () => {
    const python = gate({ language: 'python', timeoutMs: 60_000, maxSourceBytes: 2_000_000 });
    await python.warmUp();
    const running = python.check(SLOW_PYTHON);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const { pid } of pythons()) process.kill(pid, 'SIGKILL');
    const result = await running;
    expect(result).toMatchObject({ status: 'fail', reason: 'worker-crashed' });
    expect(result.message).toMatch(/exited/);
    expect((await python.check('x = 1')).status).toBe('pass');
  });

  it('TypeScript compiler over its memory cap is killed: memory-limit, then recovery', {
    timeout: 90_000,
  }, async () => {
    const typescript = gate({ language: 'typescript', timeoutMs: 60_000, compilerMemoryMb: 300 });
    await typescript.warmUp();
    const result = await typescript.evaluate(gateContext({ text: PERMUTATIONS }));
    expect(result).toMatchObject({ status: 'fail', reason: 'memory-limit' });
    expect(result.details?.message).toMatch(/memory cap \(\d+ MiB > 300 MiB\)/);
    expect(result.feedback).toMatch(/more than the checker's 300 MiB of memory/);
    expect(result.feedback).toMatch(/recursive conditional or mapped types/);
    expect((await typescript.check('export const ok = 1;')).status).toBe('pass');
  });
});

describe('close()', () => {
  it.skipIf(!linux)('ends every worker thread and compiler process', { timeout: 60_000 }, async () => {
    const threads = () => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    // libuv's thread pool starts with the first asynchronous file read (the memory watch reads /proc) and
    // stays for the life of the process: start it before counting, so only the gate's own threads count.
    await readFile('/proc/self/status', 'utf8');
    const baseline = threads();
    const typescript = codeCompilesGate({ language: 'typescript', poolSize: 2 });
    const python = codeCompilesGate({ language: 'python', poolSize: 2 });
    const javascript = codeCompilesGate({ language: 'javascript', poolSize: 2 });
    await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => typescript.check(`export const v${i} = ${i};`)),
      ...Array.from({ length: 4 }, (_, i) => python.check(`v${i} = ${i}`)),
      ...Array.from({ length: 4 }, (_, i) => javascript.check(`export const v${i} = ${i};`)),
      // A parser that crashed is replaced: the dead one must be reaped too.
      javascript.check(`export const deep = ${'!'.repeat(30_000)}1;`),
    ]);
    expect(compilers()).toHaveLength(2);
    expect(pythons()).toHaveLength(2);
    // The crashed parser's slot starts a new one only when a check needs it.
    expect(parsers().length).toBe(javascript.stats.javascript?.live);
    expect(javascript.stats.javascript).toMatchObject({ crashes: 1 });
    expect(javascript.stats.javascript?.live).toBeGreaterThanOrEqual(1);
    expect(threads()).toBeGreaterThan(baseline);
    const pids = childProcesses().map((c) => c.pid);
    await Promise.all([typescript.close(), python.close(), javascript.close()]);
    // kill(pid, 0) succeeds on a zombie too: none is left unreaped.
    expect(pids.filter(processAlive)).toEqual([]);
    expect(childProcesses()).toEqual([]);
    // Terminated workers' threads are joined by the time close() resolves.
    expect(threads()).toBeLessThanOrEqual(baseline);
  });

  it('a forgotten close() does not keep the process alive, and its children go with it', {
    timeout: 60_000,
  }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'code-compiles-forgotten-'));
    try {
      const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
      const script = join(directory, 'forgotten.ts');
      writeFileSync(
        script,
        `import { readdirSync, readFileSync } from 'node:fs';
import { codeCompilesGate } from ${JSON.stringify(entry)};
const typescript = codeCompilesGate({ language: 'typescript' });
const python = codeCompilesGate({ language: 'python' });
const javascript = codeCompilesGate({ language: 'javascript' });
const results = await Promise.all([
  typescript.check('export const a: number = 1;'),
  python.check('a = 1'),
  javascript.check('export const a = 1;'),
]);
const children = readdirSync('/proc').filter((e) => /^\\d+$/.test(e)).filter((e) => {
  try { const s = readFileSync('/proc/' + e + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === process.pid; } catch { return false; }
});
console.log(JSON.stringify({ statuses: results.map((r) => r.status), children }));
`,
      );
      const child = spawn(process.execPath, ['--conditions=source', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal });
        });
      });
      expect({ ...exit, stderr: stderr.trim() }).toEqual({ code: 0, signal: null, stderr: '' });
      const report = JSON.parse(stdout.trim()) as { statuses: string[]; children: string[] };
      expect(report.statuses).toEqual(['pass', 'pass', 'pass']);
      if (linux) {
        expect(report.children.length).toBeGreaterThanOrEqual(3);
        // Their pipes closed with the process: the compiler and the interpreter read EOF and exit.
        expect(await until(() => report.children.every((pid) => !processAlive(Number(pid))))).toBe(true);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
