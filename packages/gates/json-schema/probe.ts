import { readFileSync } from 'node:fs';
import { jsonSchemaGate } from './src/json-schema-gate.ts';
const rows = readFileSync('/work/shared/data/structured_rag_json/structured_rag_9-11-24.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const gates = new Map();
let agree = 0, total = 0; const cats = new Map<string, any[]>();
const t0 = performance.now();
for (const r of rows) {
  let g = gates.get(r.task); if (!g) { g = jsonSchemaGate({ schema: r.json_schema }); gates.set(r.task, g); }
  for (const [m, e] of Object.entries<any>(r.models)) {
    total++;
    const res = g.check(e.response) as any;
    const pass = res.status === 'pass';
    if (pass === e.valid) { agree++; continue; }
    let strict: unknown; let strictOk = true; try { strict = JSON.parse(e.response); } catch { strictOk = false; }
    const key = `${r.task}|gate=${pass ? 'pass' : res.reason}|label=${e.valid}|strictParse=${strictOk}|src=${res.details?.source}`;
    const arr = cats.get(key) ?? []; arr.push({ m, resp: e.response.slice(0, 160), fb: res.feedback?.slice(0, 160) }); cats.set(key, arr);
  }
}
console.log('agree', agree, total, (agree / total).toFixed(4), 'ms', (performance.now() - t0).toFixed(0));
for (const [k, v] of [...cats.entries()].sort((a, b) => b[1].length - a[1].length)) { console.log(v.length, k); console.log('   ', JSON.stringify(v[0])); }
