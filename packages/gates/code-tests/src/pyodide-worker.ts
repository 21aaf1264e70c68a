// Worker thread entry: CPython (Pyodide) compiled to WebAssembly, isolated from the host. Order matters:
// 1. read Pyodide's files (the only file access this thread makes), 2. strip the realm's globals and
// install deterministic time and randomness, 3. load Pyodide in "shell" mode from memory, 4. forbid
// compiling JavaScript from strings and loading any further module, 5. snapshot the interpreter. Only
// then is model code run, and only through `runPython` below.
import { readFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import {
  capWebAssemblyMemory,
  disableCodeFromStrings,
  installDeterminism,
  installShellEntropy,
  stripGlobals,
} from './pyodide-lockdown.ts';
import { PYTHON_HARNESS } from './python-harness.ts';
import { capturePython, type PythonSandbox, runPython } from './python-runner.ts';
import type { HostToWorker, WorkerToHost } from './sandbox-protocol.ts';

interface PyodideWorkerConfig {
  readonly memoryMb: number;
  readonly seed: number;
}

const port = parentPort;
if (port === null) throw new Error('pyodide-worker must run in a worker thread');
const { config, interrupt } = workerData as { config: PyodideWorkerConfig; interrupt: SharedArrayBuffer };
const post = (message: WorkerToHost) => port.postMessage(message);
const interruptFlag = new Int32Array(interrupt);
// Captured now: `process` is deleted from this realm before Pyodide loads.
const exit = process.exit.bind(process, 1);
const now = performance.now.bind(performance);

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('pyodide/package.json'));
const files = new Map<string, Uint8Array>([
  ['/pyodide/pyodide.asm.wasm', readFileSync(join(root, 'pyodide.asm.wasm'))],
  ['/pyodide/python_stdlib.zip', readFileSync(join(root, 'python_stdlib.zip'))],
]);
const lockFile = readFileSync(join(root, 'pyodide-lock.json'), 'utf8');
const asmUrl = pathToFileURL(join(root, 'pyodide.asm.mjs')).href;
const loaderUrl = pathToFileURL(join(root, 'pyodide.mjs')).href;

async function boot(): Promise<PythonSandbox> {
  const stuck = stripGlobals();
  if (stuck.length > 0) throw new Error(`globals that could not be removed: ${stuck.join(', ')}`);
  const clock = installDeterminism(config.seed);
  installShellEntropy(clock);
  const memoryHit = capWebAssemblyMemory(config.memoryMb * 1024 * 1024);
  // Pyodide's "shell" mode reads its files through these globals; they serve only the bytes read above.
  const shellRead = (path: string) => {
    const bytes = files.get(path);
    if (bytes === undefined) throw new Error(`no such file in the sandbox: ${path}`);
    return bytes;
  };
  const shell = globalThis as Record<string, unknown>;
  // Pyodide's loader reports problems on `console`; during boot they are kept for the error message,
  // afterwards they go nowhere (nothing in the sandbox writes to the host's streams).
  const bootLog: string[] = [];
  const record = (...args: unknown[]) => {
    if (bootLog.length < 20) bootLog.push(args.map(String).join(' ').slice(0, 500));
  };
  shell.console = { log: record, info: record, warn: record, error: record, debug: record };
  shell.readbuffer = shellRead;
  shell.read = (path: string) => new TextDecoder().decode(shellRead(path));
  shell.load = () => {
    throw new Error('loading scripts is disabled');
  };
  const { default: createPyodideModule } = (await import(asmUrl)) as { default: unknown };
  const { loadPyodide } = (await import(loaderUrl)) as typeof import('pyodide');
  const output = { write: (_text: string) => {} };
  const pyodide = await loadPyodide({
    createPyodideModule: createPyodideModule as never,
    indexURL: '/pyodide/',
    lockFileContents: lockFile,
    stdLibURL: '/pyodide/python_stdlib.zip',
    // `import js` sees this empty object, not the realm's global.
    jsglobals: Object.freeze(Object.create(null)),
    env: { HOME: '/home/sandbox', PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1' },
    stdout: (line: string) => output.write(`${line}\n`),
    stderr: (line: string) => output.write(`${line}\n`),
    enableRunUntilComplete: false,
    checkAPIVersion: true,
  });
  if (bootLog.length > 0 && pyodide === undefined) throw new Error(bootLog.join('\n'));
  for (const key of ['readbuffer', 'read', 'load']) Reflect.deleteProperty(shell, key);
  const silent = () => {};
  shell.console = Object.freeze({ log: silent, info: silent, warn: silent, error: silent, debug: silent });
  disableCodeFromStrings();
  // No module may load in this thread from now on: a dynamic import() reached from Python fails here.
  registerHooks({
    resolve() {
      throw new Error('module loading is disabled in the sandbox');
    },
  });
  pyodide.setInterruptBuffer(interruptFlag);
  pyodide.runPython(PYTHON_HARNESS, { filename: '<sandbox-harness>' });
  return { pyodide, clock, memoryHit, output, interruptFlag, now, ...capturePython(pyodide) };
}

try {
  const sandbox = await boot();
  port.on('message', (message: HostToWorker) => {
    if (message.type !== 'run') return;
    const result = runPython(sandbox, message.request);
    if (result.fatal !== undefined) {
      post({ type: 'fatal', id: message.request.id, message: result.fatal });
      exit();
      return;
    }
    post({ type: 'result', response: result.response });
  });
  post({ type: 'ready' });
} catch (error) {
  post({
    type: 'fatal',
    id: undefined,
    message: `the Python sandbox could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  });
}
