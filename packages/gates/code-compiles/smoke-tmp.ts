import { readFileSync } from 'node:fs';
import { codeCompilesGate } from './src/index.ts';

const mem = () => {
  const s = readFileSync('/proc/self/status', 'utf8');
  return ['VmSize', 'VmRSS', 'VmData'].map((k) => new RegExp(`${k}:\\s+(\\d+)`).exec(s)![0]).join(' ');
};
console.log('start', mem());
const js = codeCompilesGate({ language: 'javascript', poolSize: 2 });
await Promise.all(Array.from({ length: 20 }, () => js.check('let a = 1;')));
console.log('after js', mem());
const ts = codeCompilesGate({ language: 'typescript', poolSize: 2 });
const r = await Promise.all(Array.from({ length: 4 }, () => ts.check('export const a = 1;')));
console.log(
  r.map((x) => x.reason + (x.message ?? '')),
  mem(),
);
await js.close();
await ts.close();
