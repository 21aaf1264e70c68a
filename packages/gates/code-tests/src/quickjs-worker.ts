// Worker thread entry: one QuickJS WebAssembly module, reused across runs; every run gets a fresh
// runtime and context inside it. The model's code runs only inside QuickJS, which can reach nothing of
// this thread but the few functions the harness is given (output, and nothing else).
import { parentPort, workerData } from 'node:worker_threads';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import { runInQuickJS } from './quickjs-runner.ts';
import type { HostToWorker, WorkerToHost } from './sandbox-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('quickjs-worker must run in a worker thread');
void workerData;

const post = (message: WorkerToHost) => port.postMessage(message);

try {
  const module = await newQuickJSWASMModuleFromVariant(import('@jitl/quickjs-wasmfile-release-sync'));
  port.on('message', (message: HostToWorker) => {
    if (message.type !== 'run') return;
    try {
      post({ type: 'result', response: runInQuickJS(module, message.request) });
    } catch (error) {
      // A trap or a host-stack overflow inside the WebAssembly instance leaves it in an unknown state:
      // report and end the thread; the pool starts a fresh one.
      post({ type: 'fatal', id: message.request.id, message: `the JavaScript sandbox crashed: ${String(error)}` });
      process.exit(1);
    }
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'fatal', id: undefined, message: `the JavaScript sandbox could not start: ${String(error)}` });
}
