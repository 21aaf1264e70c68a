import { UnsupportedFunctionalityError } from '@ai-sdk/provider';
import { CascadeExhaustedError, ConfigError, createCascade, type Gate } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { jsonSchemaGate } from '@llm-cascade/gate-json-schema';
import { generateText, Output, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cascadeModel } from './index.ts';

// The warnings are asserted on the results; the AI SDK would also print them.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const price = { inputPerMTok: 1, outputPerMTok: 4 };
const bigPrice = { inputPerMTok: 10, outputPerMTok: 40 };

const mentions42: Gate = {
  name: 'mentions-42',
  evaluate: ({ candidate }) =>
    candidate.text.includes('42') ? { status: 'pass', reason: 'ok' } : { status: 'fail', reason: 'wrong-answer' },
};

function twoTierCascade(small: string, large: string, gates: readonly Gate[] = [mentions42]) {
  const cheap = scriptedProvider({
    script: [{ text: small, usage: { inputTokens: 10, outputTokens: 5 } }],
    capabilities: { structuredOutput: true },
  });
  const strong = scriptedProvider({
    script: [{ text: large, usage: { inputTokens: 12, outputTokens: 6, cachedInputTokens: 4 } }],
    capabilities: { structuredOutput: true },
  });
  const cascade = createCascade({
    name: 'answers',
    tiers: [
      { name: 'small', provider: cheap, model: 'small-model', price, repairs: 0 },
      { name: 'large', provider: strong, model: 'large-model', price: bigPrice },
    ],
    gates,
  });
  return { cascade, cheap, strong };
}

describe('cascadeModel with generateText', () => {
  it('runs the cascade and returns text, usage, finish reason and the cascade record', async () => {
    const { cascade, cheap, strong } = twoTierCascade('It is 41.', 'It is 42.');
    const result = await generateText({
      model: cascadeModel(cascade),
      system: 'Answer in one sentence.',
      prompt: 'What is six times seven?',
      maxOutputTokens: 100,
      temperature: 0,
    });
    expect(result.text).toBe('It is 42.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(22);
    expect(result.usage.outputTokens).toBe(11);
    expect(result.usage.inputTokenDetails.cacheReadTokens).toBe(4);
    expect(result.response.modelId).toBe('large-model');
    const record = result.providerMetadata?.llmCascade;
    expect(record).toMatchObject({
      accepted: true,
      tier: 'large',
      escalations: 1,
      attempts: [
        { tier: 'small', outcome: 'gate-failed', failedGate: 'mentions-42' },
        { tier: 'large', outcome: 'accepted' },
      ],
    });
    // small: 10 in + 5 out at $1/$4; large: 12 in (4 cached, no cached price: full) + 6 out at $10/$40.
    const expectedCost = (10 * 1 + 5 * 4 + 12 * 10 + 6 * 40) / 1e6;
    expect(record?.costUsd).toBeCloseTo(expectedCost, 12);
    expect(record?.topTierCostUsd).toBeGreaterThan(0);
    expect(cheap.calls[0]?.request.messages).toEqual([
      { role: 'system', content: 'Answer in one sentence.' },
      { role: 'user', content: 'What is six times seven?' },
    ]);
    expect(cheap.calls[0]?.request.maxOutputTokens).toBe(100);
    expect(cheap.calls[0]?.request.temperature).toBe(0);
    expect(strong.calls).toHaveLength(1);
  });

  it('maps a multi-turn conversation', async () => {
    const { cascade, cheap } = twoTierCascade('42', '42');
    await generateText({
      model: cascadeModel(cascade),
      system: 'Be terse.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Six times ' },
            { type: 'text', text: 'seven?' },
          ],
        },
        { role: 'assistant', content: '41' },
        { role: 'user', content: 'Check again.' },
      ],
    });
    expect(cheap.calls[0]?.request.messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Six times seven?' },
      { role: 'assistant', content: '41' },
      { role: 'user', content: 'Check again.' },
    ]);
  });

  it('throws the cascade error when every tier fails, and the AI SDK does not retry it', async () => {
    const { cascade, cheap, strong } = twoTierCascade('41', '43');
    const error = await generateText({ model: cascadeModel(cascade), prompt: 'q', maxRetries: 2 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(CascadeExhaustedError.isInstance(error)).toBe(true);
    expect(cheap.calls).toHaveLength(1);
    expect(strong.calls).toHaveLength(1);
  });

  it('rejects files and tools with UnsupportedFunctionalityError before any tier is called', async () => {
    const { cascade, cheap } = twoTierCascade('42', '42');
    const model = cascadeModel(cascade);
    const fileError = await generateText({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this' },
            { type: 'file', data: new Uint8Array([1, 2, 3]), mediaType: 'application/pdf' },
          ],
        },
      ],
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(UnsupportedFunctionalityError.isInstance(fileError)).toBe(true);
    expect(String(fileError)).toMatch(/file parts/);
    const toolError = await model
      .doGenerate({
        prompt: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
        tools: [{ type: 'function', name: 'lookup', inputSchema: { type: 'object' } }],
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(UnsupportedFunctionalityError.isInstance(toolError)).toBe(true);
    const toolResultError = await model
      .doGenerate({
        prompt: [
          {
            role: 'tool',
            content: [{ type: 'tool-result', toolCallId: '1', toolName: 'x', output: { type: 'text', value: 'y' } }],
          },
        ],
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(UnsupportedFunctionalityError.isInstance(toolResultError)).toBe(true);
    expect(cheap.calls).toHaveLength(0);
  });

  it('warns about settings the cascade does not pass on', async () => {
    const { cascade } = twoTierCascade('42', '42');
    const result = await generateText({ model: cascadeModel(cascade), prompt: 'q', topP: 0.5, seed: 3 });
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'unsupported', feature: 'topP' }),
        expect.objectContaining({ type: 'unsupported', feature: 'seed' }),
      ]),
    );
  });

  it('passes the abort signal to the run', async () => {
    const slow = scriptedProvider({ script: [{ text: '42', delayMs: 5_000 }] });
    const cascade = createCascade({ tiers: [{ name: 'only', provider: slow, model: 'm', price }] });
    const controller = new AbortController();
    const pending = generateText({ model: cascadeModel(cascade), prompt: 'q', abortSignal: controller.signal });
    await expect.poll(() => slow.calls.length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(slow.calls[0]?.options.signal.aborted).toBe(true);
  });

  it('rejects bad options with a ConfigError naming the field', () => {
    const { cascade } = twoTierCascade('42', '42');
    expect(() => cascadeModel(cascade, { modelID: 'x' } as never)).toThrow(/modelID: unknown option/);
    expect(() => cascadeModel({} as never)).toThrow(ConfigError);
  });
});

describe('cascadeModel with streamText (buffered: the cascade finishes before the first part)', () => {
  it('streams the accepted text with finish, usage and the cascade record', async () => {
    const { cascade } = twoTierCascade('It is 41.', 'It is 42.');
    const result = streamText({ model: cascadeModel(cascade), prompt: 'What is six times seven?' });
    const chunks: string[] = [];
    for await (const chunk of result.textStream) chunks.push(chunk);
    expect(chunks.join('')).toBe('It is 42.');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBe(11);
    expect((await result.providerMetadata)?.llmCascade).toMatchObject({ tier: 'large', escalations: 1 });
    // Nothing from the rejected small tier ever reached the stream.
    expect(chunks.join('')).not.toContain('41');
  });

  it('surfaces a failed run as a stream error', async () => {
    const { cascade } = twoTierCascade('41', '43');
    const errors: unknown[] = [];
    const result = streamText({
      model: cascadeModel(cascade),
      prompt: 'q',
      onError: ({ error }) => errors.push(error),
    });
    const chunks: string[] = [];
    for await (const chunk of result.textStream) chunks.push(chunk);
    expect(chunks).toEqual([]);
    expect(CascadeExhaustedError.isInstance(errors[0])).toBe(true);
  });
});

describe('cascadeModel with structured output (zod schema)', () => {
  const person = z.object({ name: z.string(), age: z.number().int() });

  it('passes the JSON schema to the tiers and returns the parsed object of the accepted tier', async () => {
    const { cascade, cheap, strong } = twoTierCascade('{"name": "Ada"}', '{"name": "Ada", "age": 36}', [
      jsonSchemaGate({ schema: person }),
    ]);
    const result = await generateText({
      model: cascadeModel(cascade),
      prompt: 'Ada Lovelace died at 36. Extract the person.',
      output: Output.object({ schema: person }),
    });
    expect(result.output).toEqual({ name: 'Ada', age: 36 });
    expect(result.providerMetadata?.llmCascade).toMatchObject({
      tier: 'large',
      attempts: [{ outcome: 'gate-failed', failedGate: 'json-schema' }, { outcome: 'accepted' }],
    });
    const format = cheap.calls[0]?.request.responseFormat;
    expect(format?.type).toBe('json_schema');
    expect(format?.schema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name', 'age'],
    });
    expect(strong.calls[0]?.request.responseFormat).toEqual(format);
  });

  it('without a JSON gate, an invalid answer is accepted by the cascade and rejected by the AI SDK', async () => {
    // Core cannot yet validate against a schema given per request: only the cascade's own gates judge.
    const { cascade } = twoTierCascade('{"name": "Ada"}', '{}', []);
    const error = await generateText({
      model: cascadeModel(cascade),
      prompt: 'Extract the person.',
      output: Output.object({ schema: person }),
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(String(error)).toMatch(/No object generated|could not parse|did not match/i);
  });
});
