// Worker thread entry: one QuickJS WebAssembly module, reused across runs; every run gets a fresh
// runtime and context inside it. The model's code runs only inside QuickJS, which can reach nothing of
// this thread but the few functions the harness is given (output, and nothing else).
import { parentPort, workerData } from 'node:worker_threads';
import { newQuickJSWASMModuleFromVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import { runInQuickJS } from './quickjs-runner.ts';
import type { HostToWorker, WorkerToHost } from './sandbox-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('quickjs-worker must run in a worker thread');
void workerData;

const post = (message: WorkerToHost) => port.postMessage(message);
const load = () => newQuickJSWASMModuleFromVariant(import('@jitl/quickjs-wasmfile-release-sync'));

try {
  let module: QuickJSWASMModule = await load();
  // Runs one at a time, in order: a run waits while a broken module is replaced.
  let queue = Promise.resolve();
  const handle = async (message: HostToWorker) => {
    if (message.type !== 'run') return;
    try {
      const run = runInQuickJS(module, message.request);
      post({ type: 'result', response: run.response });
      // The module aborted after the verdict (see runInQuickJS): a fresh instance replaces it.
      if (run.moduleBroken !== undefined) module = await load();
    } catch (error) {
      // A trap or a host-stack overflow inside the WebAssembly instance leaves it in an unknown state:
      // report and end the thread; the pool starts a fresh one.
      post({ type: 'fatal', id: message.request.id, message: `the JavaScript sandbox crashed: ${String(error)}` });
      process.exit(1);
    }
  };
  port.on('message', (message: HostToWorker) => {
    queue = queue.then(() => handle(message));
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'fatal', id: undefined, message: `the JavaScript sandbox could not start: ${String(error)}` });
}
