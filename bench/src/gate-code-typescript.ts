import { gateContext } from '@llm-cascade/core/test';
import { codeCompilesGate } from '@llm-cascade/gate-code-compiles';
import { idleStall, probeEventLoop, worstStall } from './event-loop-probe.ts';
import { ratio, timeEach } from './micro.ts';
import { type BenchResult, saveResult } from './result-file.ts';
import { format } from './stats.ts';

/** A 30-line TypeScript answer as a model writes it, fenced; `i` varies a name so no two checks are alike. */
export function typescriptAnswer(i: number): string {
  const code = `interface Order${i} {
  readonly id: string;
  readonly items: readonly { sku: string; quantity: number; price: number }[];
  readonly coupon?: string;
}

type Totals = { subtotal: number; discount: number; total: number };

const COUPONS: Readonly<Record<string, number>> = { SAVE10: 0.1, HALF: 0.5 };

export function totals${i}(order: Order${i}): Totals {
  const subtotal = order.items.reduce((sum, item) => sum + item.quantity * item.price, 0);
  const rate = order.coupon === undefined ? 0 : (COUPONS[order.coupon] ?? 0);
  const discount = Math.round(subtotal * rate * 100) / 100;
  return { subtotal, discount, total: subtotal - discount };
}

export function largest${i}(orders: readonly Order${i}[]): Order${i} | undefined {
  let best: Order${i} | undefined;
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

export const summary${i} = (orders: readonly Order${i}[]): string => \`\${orders.length} orders\`;`;
  return `Here is the implementation:\n\n\`\`\`ts\n${code}\n\`\`\`\n`;
}

export async function gateCodeTypescriptBench(): Promise<BenchResult> {
  const lines = typescriptAnswer(0).split('```ts\n')[1]?.split('\n```')[0]?.split('\n').length ?? 0;
  const gate = codeCompilesGate({ language: 'typescript' });
  try {
    const coldStarted = performance.now();
    await gate.warmUp();
    const warmUpMs = performance.now() - coldStarted;
    const check = async (i: number) => {
      const result = await gate.evaluate(gateContext({ text: typescriptAnswer(i) }));
      if (result.status !== 'pass')
        throw new Error(`the benchmark snippet must type-check: ${result.reason} ${result.feedback}`);
      return result;
    };
    const idle = await idleStall();
    const calls = 200;
    const sequentialProbe = probeEventLoop();
    const sequential = await timeEach(check, calls, 20);
    const sequentialStall = sequentialProbe.stop();
    // A burst: 50 answers arrive at once and queue for the checker pool.
    const burstProbe = probeEventLoop();
    const burstStarted = performance.now();
    await Promise.all(Array.from({ length: 50 }, (_, i) => check(10_000 + i)));
    const burstMs = performance.now() - burstStarted;
    const burstStall = burstProbe.stop();
    const stall = Math.max(worstStall(sequentialStall), worstStall(burstStall));
    const p99 = Math.max(sequentialStall.p99Ms, burstStall.p99Ms);
    const markdown = [
      `\`codeCompilesGate({ language: 'typescript' })\` on a ${lines}-line fenced answer (interfaces, generics, a reducer,`,
      'a loop), each check with a different identifier so nothing is cached; TypeScript 7 off the main thread.',
      `${calls} sequential checks after 20 warm-up checks, then a burst of 50 at once.`,
      'The stall probes measure wall-clock lateness of the main thread, so they also catch the OS descheduling it on',
      'this shared 2-core machine: read them against the noise floor measured just before.',
      '',
      '| measure | figure | target | ratio to target |',
      '| --- | --- | --- | --- |',
      `| warm check, median (gate evaluate: extraction and type-check) | ${format.ms(sequential.medianMs)} | 10 ms | ${ratio(sequential.medianMs, 10)} |`,
      `| warm check, p95 | ${format.ms(sequential.p95Ms)} | | |`,
      `| warm check, max | ${format.ms(sequential.maxMs)} | | |`,
      `| longest event-loop stall during checks (max of \`monitorEventLoopDelay\` and a 1 ms interval probe) | ${format.ms(stall)} | 5 ms | ${ratio(stall, 5)} |`,
      `| event-loop delay p99 during checks | ${format.ms(p99)} | | |`,
      `| longest stall with nothing running (this machine's noise floor, same probes, 1 s) | ${format.ms(worstStall(idle))} | | |`,
      `| burst of 50 concurrent checks, wall time | ${format.ms(burstMs)} | | |`,
      `| cold start (\`warmUp\`: worker and compiler process) | ${format.ms(warmUpMs)} | | |`,
    ].join('\n');
    return await saveResult({
      name: 'gate-code-typescript',
      title: 'Code gate, TypeScript type-check of a 30-line snippet',
      command: 'scripts/with-node pnpm bench gate-code-typescript',
      markdown,
      figures: {
        lines,
        medianMs: sequential.medianMs,
        p95Ms: sequential.p95Ms,
        maxMs: sequential.maxMs,
        stallMs: stall,
        stallHistogramMs: Math.max(sequentialStall.histogramMaxMs, burstStall.histogramMaxMs),
        stallIntervalMs: Math.max(sequentialStall.intervalMaxMs, burstStall.intervalMaxMs),
        stallP99Ms: p99,
        idleStallMs: worstStall(idle),
        burstMs,
        warmUpMs,
        ratio: sequential.medianMs / 10,
        stallRatio: stall / 5,
      },
    });
  } finally {
    await gate.close();
  }
}
