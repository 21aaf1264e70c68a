import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evalCommand } from './eval-command.ts';
import { checkEvalConfig } from './load-eval-config.ts';
import { checkTuneSpace } from './tune-space.ts';

const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

describe('the README example', () => {
  it('runs the demo sweep and selects the cheapest setting meeting the target', async () => {
    let stdout = '';
    let stderr = '';
    const code = await evalCommand(
      [
        '--data',
        example('demo-recording.jsonl'),
        '--config',
        example('demo.config.ts'),
        '--sweep',
        'accept.mini=-0.5:0:0.25',
        '--sweep',
        'accept.mid=-0.5:0:0.25',
        '--target-accuracy',
        '0.85',
      ],
      { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } },
    );
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(stdout).toContain('Sweep over accept.mini, accept.mid: 9 settings');
    expect(stdout).toContain('| mini alone (cheapest) | 37.5% | 3/8 |');
    expect(stdout).toContain('| large alone (strongest) | 100.0% | 8/8 |');
    expect(stdout).toContain('Selected (cheapest setting with accuracy >= 0.85): accept.mini=-0.25, accept.mid=-0.5');
  });

  it('the reproduction configs load and expose their parameters', async () => {
    const configs = {
      'mot-date.config.ts': { vote: { threshold: 0.65 }, pairing: 0 },
      'cot-2d-date.config.ts': { vote: { threshold: 0.65 }, pairing: 0 },
      'zellinger-llama.config.ts': { accept: { first: 0.9, second: 0.9 } },
      'zellinger-openai.config.ts': { accept: { first: 0.9 } },
      'structured-rag.config.ts': undefined,
    };
    for (const [file, params] of Object.entries(configs)) {
      const config = checkEvalConfig((await import(example(file))).default);
      expect(config.params, file).toEqual(params);
    }
    const space = checkTuneSpace((await import(example('zellinger-space.config.ts'))).default);
    expect(space.models).toHaveLength(9);
  });
});
