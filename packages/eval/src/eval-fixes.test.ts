import { fileURLToPath } from 'node:url';
import type { Gate } from '@llm-cascade/core';
import { logprobGate } from '@llm-cascade/gate-logprob';
import { describe, expect, it } from 'vitest';
import { parseAccuracyPoints } from './accuracy-points.ts';
import { evalCommand } from './eval-command.ts';
import { defineEvalConfig } from './eval-config.ts';
import { runEval } from './run-eval.ts';

const QA_DATA = fileURLToPath(new URL('./testing/fixtures/qa-recording.jsonl', import.meta.url));
const PRICES = { small: { inputPerMTok: 1, outputPerMTok: 1 }, large: { inputPerMTok: 10, outputPerMTok: 10 } };

/** A gate holding a resource: once closed, every check throws (a stopped worker pool). */
function closableGate() {
  const state = { closed: false, closes: 0 };
  const gate: Gate = {
    name: 'shared',
    evaluate: () => {
      if (state.closed) throw new Error('worker pool closed');
      return { status: 'pass', reason: 'ok' };
    },
    close: async () => {
      state.closed = true;
      state.closes += 1;
    },
  };
  return { gate, state };
}

function sharedGateConfig(gate: Gate, close?: () => Promise<void>) {
  return defineEvalConfig({
    params: { threshold: -0.25 },
    prices: PRICES,
    ...(close === undefined ? {} : { close }),
    cascade: ({ provider, params }) => ({
      onExhausted: 'best',
      tiers: [
        {
          name: 'small',
          provider,
          model: 'small',
          repairs: 0,
          gates: [gate, logprobGate({ measure: 'mean-logprob', threshold: params.threshold })],
        },
        { name: 'large', provider, model: 'large', repairs: 0, gates: [gate] },
      ],
    }),
  });
}

function sinks() {
  const io = { stdout: '', stderr: '' };
  return {
    io,
    streams: {
      stdout: { write: (text: string) => (io.stdout += text) },
      stderr: { write: (text: string) => (io.stderr += text) },
    },
  };
}

describe('a gate the config shares across settings', () => {
  it('is not closed between runs, so no later check fails with gate-error', async () => {
    const { gate, state } = closableGate();
    const report = await runEval({
      data: QA_DATA,
      config: sharedGateConfig(gate),
      sweep: ['threshold=-1,-0.25,0'],
    });
    expect(state.closes).toBe(0);
    expect(report.gateErrors).toBe(0);
    for (const point of report.points) expect(point.measures.gateErrors).toBe(0);
    // The baselines ran first; every later setting still finds the shared gate working.
    expect(report.points.map((p) => p.measures.accuracy)).toEqual([
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
    ]);
  });

  it("calls the config's close once, at the end", async () => {
    const { gate, state } = closableGate();
    await runEval({ data: QA_DATA, config: sharedGateConfig(gate, () => gate.close?.() as Promise<void>) });
    expect(state.closes).toBe(1);
  });
});

describe('a crashing gate is loud', () => {
  it('counts gate errors and exits non-zero', async () => {
    const { gate, state } = closableGate();
    state.closed = true;
    const report = await runEval({ data: QA_DATA, config: sharedGateConfig(gate) });
    // Baselines: 6 small + 6 large checks; the cascade: 6 small + 6 large.
    expect(report.gateErrors).toBe(24);
  });

  it('evalCommand prints a warning and returns 1', async () => {
    const config = fileURLToPath(new URL('./testing/fixtures/broken-gate.config.ts', import.meta.url));
    const { io, streams } = sinks();
    const code = await evalCommand(['--data', QA_DATA, '--config', config], streams);
    expect(code).toBe(1);
    expect(io.stderr).toMatch(/gate verdict\(s\) were gate errors/);
    expect(io.stdout).toMatch(/Warning: \d+ gate verdicts were gate errors/);
  });
});

describe('relative target and fixed params', () => {
  it('--within selects against the strongest tier alone', async () => {
    const report = await runEval({
      data: QA_DATA,
      config: sharedGateConfig(closableGate().gate),
      sweep: ['threshold=-1,-0.5,-0.25,0'],
      withinOfStrongest: 0.2,
    });
    const strongest = report.baselines[1]?.measures.accuracy as number;
    expect(report.selection?.found).toBe(true);
    if (report.selection?.found !== true) throw new Error('unreachable');
    const chosen = report.points[report.selection.index];
    expect(chosen?.measures.accuracy).toBeGreaterThanOrEqual(strongest - 0.2);
    expect(report.selection.criterion).toBe('accuracy >= strongest alone - 20pt');
  });

  it('--set fixes a param for every run, baselines included', async () => {
    const loose = await runEval({
      data: QA_DATA,
      config: sharedGateConfig(closableGate().gate),
      set: ['threshold=-5'],
    });
    const strict = await runEval({ data: QA_DATA, config: sharedGateConfig(closableGate().gate) });
    expect(loose.fixed).toEqual({ threshold: -5 });
    // A looser threshold accepts more on the small tier: cheaper.
    expect(loose.points[0]?.measures.costUsd).toBeLessThan(strict.points[0]?.measures.costUsd as number);
    await expect(
      runEval({ data: QA_DATA, config: sharedGateConfig(closableGate().gate), set: ['thresold=-5'] }),
    ).rejects.toMatchObject({ field: 'set' });
    await expect(
      runEval({
        data: QA_DATA,
        config: sharedGateConfig(closableGate().gate),
        set: ['threshold=-5'],
        sweep: ['threshold=-1,0'],
      }),
    ).rejects.toMatchObject({ field: 'set' });
  });

  it('the command takes --within 1pt and --set', async () => {
    const config = fileURLToPath(new URL('./testing/fixtures/qa.config.ts', import.meta.url));
    const { io, streams } = sinks();
    const code = await evalCommand(
      ['--data', QA_DATA, '--config', config, '--set', 'confidence.threshold=-0.5', '--within', '20pt'],
      streams,
    );
    expect(io.stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(io.stdout).toContain('Fixed parameters: confidence.threshold=-0.5.');
    expect(io.stdout).toMatch(/Selected \(cheapest setting within 20pt of the strongest alone/);
    const bad = sinks();
    expect(await evalCommand(['--data', QA_DATA, '--config', config, '--within', '1'], bad.streams)).toBe(2);
  });

  it('parses accuracy points', () => {
    expect(parseAccuracyPoints('1pt')).toBe(0.01);
    expect(parseAccuracyPoints('0.5 points')).toBe(0.005);
    expect(parseAccuracyPoints('2%')).toBe(0.02);
    expect(parseAccuracyPoints('0.01')).toBe(0.01);
    expect(parseAccuracyPoints('1')).toBeUndefined();
    expect(parseAccuracyPoints('-1pt')).toBeUndefined();
  });
});
