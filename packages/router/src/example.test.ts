import { describe, expect, it } from 'vitest';
import { runWorkflow } from '../examples/workflow.ts';

describe('the README workflow (log -> label -> train -> route -> verify)', () => {
  it('learns from the decision log to send code straight to the strong tier, and the gates still pass', async () => {
    const summary = await runWorkflow();
    expect(summary.trainedOn).toBe(300);
    expect(summary.calibration?.auc).toBeGreaterThan(0.95);
    expect(summary.codeDecision.tier).toBe('strong');
    expect(summary.factDecision.tier).toBe('cheap');
    expect(summary.escalationsBefore).toBeCloseTo(1 / 3, 2);
    expect(summary.escalations).toBe(0);
    expect(summary.accepted).toBe(1);
    expect(summary.costPerRequestAfter).toBeLessThan(summary.costPerRequestBefore);
  });
});
