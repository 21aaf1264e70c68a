import { gateContext } from '@llm-cascade/core/test';
import { codeCompilesGate, resolvePythonInterpreter } from '@llm-cascade/gate-code-compiles';
import { idleStall, probeEventLoop, worstStall } from './event-loop-probe.ts';
import { ratio, timeEach } from './micro.ts';
import { type BenchResult, saveResult } from './result-file.ts';
import { format } from './stats.ts';

/** A 30-line Python answer, fenced; `i` varies a name so no two checks are alike. */
export function pythonAnswer(i: number): string {
  const code = `from dataclasses import dataclass, field
from typing import Optional

COUPONS = {"SAVE10": 0.1, "HALF": 0.5}


@dataclass
class Item${i}:
    sku: str
    quantity: int
    price: float


@dataclass
class Order${i}:
    id: str
    items: list[Item${i}] = field(default_factory=list)
    coupon: Optional[str] = None

    def subtotal(self) -> float:
        return sum(item.quantity * item.price for item in self.items)

    def total(self) -> float:
        rate = COUPONS.get(self.coupon, 0.0) if self.coupon else 0.0
        return round(self.subtotal() * (1 - rate), 2)


def largest(orders: list[Order${i}]) -> Optional[Order${i}]:
    return max(orders, key=lambda order: order.total(), default=None)
`;
  return `\`\`\`python\n${code}\`\`\`\n`;
}

export async function gateCodePythonBench(): Promise<BenchResult> {
  const interpreter = await resolvePythonInterpreter('python3').catch((error: unknown) => error as Error);
  if (interpreter instanceof Error) {
    return saveResult({
      name: 'gate-code-python',
      title: 'Code gate, Python compile',
      command: 'scripts/with-node pnpm bench gate-code-python',
      markdown: `Skipped: no Python interpreter (${interpreter.message}).`,
      figures: { skipped: true },
    });
  }
  const lines = pythonAnswer(0).split('\n').length - 3;
  const gate = codeCompilesGate({ language: 'python' });
  try {
    const coldStarted = performance.now();
    await gate.warmUp();
    const warmUpMs = performance.now() - coldStarted;
    const check = async (i: number) => {
      const result = await gate.evaluate(gateContext({ text: pythonAnswer(i) }));
      if (result.status !== 'pass')
        throw new Error(`the benchmark snippet must compile: ${result.reason} ${result.feedback}`);
      return result;
    };
    const idle = await idleStall();
    const calls = 500;
    const probe = probeEventLoop();
    const timing = await timeEach(check, calls, 50);
    const stall = probe.stop();
    const stallMs = worstStall(stall);
    const markdown = [
      `\`codeCompilesGate({ language: 'python' })\` on a ${lines}-line fenced answer (dataclasses, type hints, a lambda),`,
      `compiled (never run) by a persistent \`${interpreter}\` process; ${calls} sequential checks after 50 warm-up checks.`,
      '',
      '| measure | figure | target | ratio to target |',
      '| --- | --- | --- | --- |',
      `| warm check, median (gate evaluate: extraction and compile) | ${format.ms(timing.medianMs)} | 1 ms | ${ratio(timing.medianMs, 1)} |`,
      `| warm check, p95 | ${format.ms(timing.p95Ms)} | | |`,
      `| longest event-loop stall during checks | ${format.ms(stallMs)} | 5 ms | ${ratio(stallMs, 5)} |`,
      `| longest stall with nothing running (noise floor, same probes, 1 s) | ${format.ms(worstStall(idle))} | | |`,
      `| cold start (\`warmUp\`: interpreter process) | ${format.ms(warmUpMs)} | | |`,
    ].join('\n');
    return await saveResult({
      name: 'gate-code-python',
      title: 'Code gate, Python compile',
      command: 'scripts/with-node pnpm bench gate-code-python',
      markdown,
      figures: {
        lines,
        medianMs: timing.medianMs,
        p95Ms: timing.p95Ms,
        stallMs,
        idleStallMs: worstStall(idle),
        warmUpMs,
        ratio: timing.medianMs / 1,
      },
    });
  } finally {
    await gate.close();
  }
}
