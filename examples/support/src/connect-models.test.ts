import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createCascade } from '@llm-cascade/core';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectModels, connectOpenaiModels } from './connect-models.ts';

const folder = mkdtempSync(join(tmpdir(), 'example-support-models-'));
const recording = join(folder, 'recording.jsonl');
// One request answered by an OpenAI model and a Claude model, in the replay format.
writeFileSync(
  recording,
  `${JSON.stringify({
    id: 'q1',
    request: { messages: [{ role: 'user', content: 'Which city?' }] },
    tiers: {
      'gpt-4.1-mini': { candidates: [{ text: 'Paris' }], usage: { inputTokens: 5, outputTokens: 1 } },
      'claude-sonnet-4-5': { candidates: [{ text: 'Lyon' }], usage: { inputTokens: 5, outputTokens: 1 } },
    },
  })}\n`,
);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function keys(openai: string, anthropic: string): void {
  vi.stubEnv('OPENAI_API_KEY', openai);
  vi.stubEnv('ANTHROPIC_API_KEY', anthropic);
}

beforeEach(() => keys('', ''));
afterEach(() => vi.unstubAllEnvs());

async function ask(provider: Parameters<typeof createCascade>[0]['tiers'][number]['provider'], model: string) {
  const cascade = createCascade({
    tiers: [{ name: 'only', provider, model, price: { inputPerMTok: 1, outputPerMTok: 1 } }],
  });
  try {
    return (await cascade.run({ id: 'q1', prompt: 'Which city?' })).text;
  } finally {
    await cascade.close();
  }
}

describe('connectModels', () => {
  it('without keys, serves both vendors from the replay server over HTTP, through the openai client', async () => {
    const models = await connectModels({ recording });
    try {
      expect(models.offline).toBe(true);
      expect(models.description).toEqual([
        expect.stringMatching(
          /^OpenAI tiers: replay server at http:\/\/127\.0\.0\.1:\d+\/v1 through the openai client \(OPENAI_API_KEY is not set\)$/,
        ),
        'Claude tier: the same replay server through the openai client (ANTHROPIC_API_KEY is not set)',
      ]);
      expect(models.openai.capabilities).toMatchObject({ logprobs: true, multipleSamples: true });
      // The Claude tier is declared as Anthropic is: no logprobs, no `n`.
      expect(models.anthropic.capabilities).toMatchObject({ logprobs: false, multipleSamples: false });
      expect(await ask(models.openai, 'gpt-4.1-mini')).toBe('Paris');
      expect(await ask(models.anthropic, 'claude-sonnet-4-5')).toBe('Lyon');
    } finally {
      await models.close();
    }
  });

  it('with both keys, starts no server and says the real APIs are called (nothing is sent here)', async () => {
    keys('sk-test-not-used', 'sk-ant-test-not-used');
    const models = await connectModels({ recording: join(folder, 'never-read.jsonl') });
    expect(models.offline).toBe(false);
    expect(models.description).toEqual([
      'OpenAI tiers: the real OpenAI API (OPENAI_API_KEY is set)',
      'Claude tier: the real Anthropic API (ANTHROPIC_API_KEY is set)',
    ]);
    expect(models.openai.id).not.toBe('replay');
    await models.close();
  });

  it('with one key, replays only the other vendor and is not offline', async () => {
    keys('sk-test-not-used', ' ');
    const models = await connectModels({ recording });
    try {
      expect(models.offline).toBe(false);
      expect(models.description[0]).toBe('OpenAI tiers: the real OpenAI API (OPENAI_API_KEY is set)');
      expect(await ask(models.anthropic, 'claude-sonnet-4-5')).toBe('Lyon');
    } finally {
      await models.close();
    }
  });

  it('refuses a missing recording path, naming the field', async () => {
    await expect(connectModels({ recording: ' ' })).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && error.field === 'recording',
    );
  });
});

describe('connectOpenaiModels', () => {
  it('without a key, replays the OpenAI tiers and says so in one line', async () => {
    const models = await connectOpenaiModels({ recording });
    try {
      expect(models.offline).toBe(true);
      expect(models.description).toEqual([
        expect.stringMatching(/^models: replay server at http:\/\/127\.0\.0\.1:\d+\/v1 through the openai client/),
      ]);
      expect(await ask(models.openai, 'gpt-4.1-mini')).toBe('Paris');
    } finally {
      await models.close();
    }
  });

  it('with a key, starts nothing and does not mention Anthropic', async () => {
    keys('sk-test-not-used', '');
    const models = await connectOpenaiModels({ recording: join(folder, 'never-read.jsonl') });
    expect(models).toMatchObject({
      offline: false,
      description: ['models: the real OpenAI API (OPENAI_API_KEY is set)'],
    });
    await models.close();
  });
});
