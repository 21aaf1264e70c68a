import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

/** A second Node process running one scenario of `fleet-worker.ts`; `start()` lets it go, `result` is its JSON line. */
export function spawnWorker(scenario: string, url: string, prefix: string) {
  const child = spawn(process.execPath, ['--conditions=source', WORKER, scenario, url, prefix], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const result = new Promise<unknown>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`fleet worker '${scenario}' exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim()));
    });
  });
  return {
    start: () => child.stdin.end('go\n'),
    result,
  };
}
