/**
 * Measures a warm JavaScript check: `gate.evaluate()` on a 30-line fenced answer, one at a time, after a
 * warm-up. Prints the median, p95 and max wall time per check, and the same for the time the checker itself
 * reported. A measurement, not a test: no figure here is asserted anywhere.
 *
 *   node --conditions=source packages/gates/code-compiles/examples/measure-javascript-check.ts [checks]
 */
import { gateContext } from '@llm-cascade/core/test';
import { codeCompilesGate } from '@llm-cascade/gate-code-compiles';

/** A 30-line JavaScript answer as a model writes it; `i` varies a name so no two checks are alike. */
function javascriptAnswer(i: number): string {
  const code = `const COUPONS = Object.freeze({ SAVE10: 0.1, HALF: 0.5 });

/**
 * @param {{ items: { sku: string, quantity: number, price: number }[], coupon?: string }} order
 */
export function totals${i}(order) {
  const subtotal = order.items.reduce((sum, item) => sum + item.quantity * item.price, 0);
  const rate = order.coupon === undefined ? 0 : (COUPONS[order.coupon] ?? 0);
  const discount = Math.round(subtotal * rate * 100) / 100;
  return { subtotal, discount, total: subtotal - discount };
}

export function largest${i}(orders) {
  let best;
  let bestTotal = -Infinity;
  for (const order of orders) {
    const { total } = totals${i}(order);
    if (total > bestTotal) {
      best = order;
      bestTotal = total;
    }
  }
  return best;
}

export const summary${i} = (orders) => \`\${orders.length} orders\`;

export function skus${i}(orders) {
  return [...new Set(orders.flatMap((order) => order.items.map((item) => item.sku)))].sort();
}`;
  return `Here is the implementation:\n\n\`\`\`js\n${code}\n\`\`\`\n`;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function describe(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  return `${label}: median ${ms(quantile(sorted, 0.5))}, p95 ${ms(quantile(sorted, 0.95))}, max ${ms(sorted.at(-1) ?? Number.NaN)}`;
}

const checks = Number(process.argv[2] ?? 500);
const gate = codeCompilesGate({ language: 'javascript', poolSize: 1 });
try {
  const lines = javascriptAnswer(0).split('\n').length - 5;
  const coldStarted = performance.now();
  await gate.warmUp();
  const warmUpMs = performance.now() - coldStarted;
  const wall: number[] = [];
  const checker: number[] = [];
  for (let i = -20; i < checks; i += 1) {
    const started = performance.now();
    const result = await gate.evaluate(gateContext({ text: javascriptAnswer(i + 20) }));
    const elapsed = performance.now() - started;
    if (result.status !== 'pass') throw new Error(`the snippet must parse: ${result.reason} ${result.feedback}`);
    if (i < 0) continue;
    wall.push(elapsed);
    checker.push(Number(result.details?.durationMs));
  }
  console.log(`warm JavaScript check of a ${lines}-line fenced answer, ${checks} checks after 20 warm-up checks`);
  console.log(describe('gate.evaluate() wall time', wall));
  console.log(describe("checker's own durationMs", checker));
  console.log(`cold start (warmUp): ${warmUpMs.toFixed(1)} ms`);
} finally {
  await gate.close();
}
