import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import type { Provider } from './contracts.ts';
import { SPECIFICATION_VERSION } from './contracts.ts';
import { CascadeError, ProviderError } from './errors.ts';
import { createCascade, redactSecrets } from './index.ts';
import { scriptedProvider } from './test.ts';

/** Every path under `value` where `secret` appears: fields, error messages, stacks and causes included. */
function whereFound(value: unknown, secret: string, path = '$', seen = new Set<object>()): string[] {
  if (typeof value === 'string') return value.includes(secret) ? [path] : [];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  const found: string[] = [];
  if (value instanceof Error) {
    found.push(...whereFound(value.message, secret, `${path}.message`, seen));
    found.push(...whereFound(value.stack, secret, `${path}.stack`, seen));
  }
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor !== undefined && 'value' in descriptor) {
      found.push(...whereFound(descriptor.value, secret, `${path}.${String(key)}`, seen));
    }
  }
  return found;
}

describe('redactSecrets', () => {
  it('scrubs a configured secret of any shape, every time it appears', () => {
    const key = 'live_Q7w9ZpL2xK4mN8vR';
    expect(redactSecrets(`bad key ${key}; you sent ${key}.`, { secrets: [key] })).toBe(
      'bad key [redacted]; you sent [redacted].',
    );
  });

  it('leaves a secret under 8 characters alone: too likely to be an ordinary word', () => {
    expect(redactSecrets('the key is unused', { secrets: ['unused'] })).toBe('the key is unused');
  });

  it.each([
    ['Authorization: Bearer abcdEFGH1234._~+/==', 'Authorization: Bearer [redacted]'],
    ['invalid key sk-proj-AbC123_defGHI456-jklMNO789', 'invalid key [redacted]'],
    ['invalid key sk-ant-api03-AbC123_defGHI456-jklMNO789xyz', 'invalid key [redacted]'],
    ['{"api_key": "k3y-VALUE-12345678"}', '{"api_key": "[redacted]"}'],
    ['x-api-key: abcdefgh12345678', 'x-api-key: [redacted]'],
    ['apiKey=abcdefgh12345678&model=x', 'apiKey=[redacted]&model=x'],
  ])('scrubs a key by its shape: %s', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it.each([
    'task-force-alpha-bravo-charlie',
    'Bearer auth is required',
    'install sk-learn first',
    'the api key was missing',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('ProviderError scrubs what it keeps', () => {
  const key = 'live_Q7w9ZpL2xK4mN8vR';

  it('scrubs the message, and the cause chain in place, keeping the cause the same object', () => {
    class SdkError extends Error {
      readonly error = { message: `Incorrect API key ${key}`, echoed: [{ header: `Bearer ${key}` }] };
    }
    const inner = new Error(`upstream said ${key}`);
    const sdk = new SdkError(`401 Incorrect API key ${key}`, { cause: inner });
    const error = new ProviderError(`provider failed: 401 Incorrect API key ${key}`, {
      kind: 'auth',
      retryable: false,
      cause: sdk,
      secrets: [key],
    });
    expect(error.message).toBe('provider failed: 401 Incorrect API key [redacted]');
    expect(error.cause).toBe(sdk);
    expect(sdk).toBeInstanceOf(SdkError);
    expect(sdk.error.echoed[0]?.header).toBe('Bearer [redacted]');
    expect(whereFound(error, key)).toEqual([]);
    expect(JSON.stringify(error)).not.toContain(key);
  });

  it('scrubs key shapes even when no secret is given', () => {
    const error = new ProviderError('rejected sk-ant-api03-AbC123_defGHI456-jklMNO789xyz', {
      kind: 'auth',
      retryable: false,
    });
    expect(error.message).toBe('rejected [redacted]');
    expect(error.stack).not.toContain('sk-ant-api03');
  });
});

describe('the engine', () => {
  it('keeps a key-shaped secret a provider threw raw out of the attempt, the error and the spans', async () => {
    const echoed = 'sk-proj-AbC123_defGHI456-jklMNO789';
    const throwing: Provider = {
      specificationVersion: SPECIFICATION_VERSION,
      id: 'raw',
      capabilities: { logprobs: false, multipleSamples: false, structuredOutput: false },
      generate: async () => {
        throw new Error(`401 from upstream: Authorization: Bearer ${echoed}`, {
          cause: new Error(`key ${echoed}`),
        });
      },
    };
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const good = scriptedProvider({ script: [{ text: 'fine' }] });
    const price = { inputPerMTok: 1, outputPerMTok: 1 };
    const cascade = createCascade({
      tiers: [
        { name: 'raw', provider: throwing, model: 'm', price },
        { name: 'good', provider: good, model: 'g', price },
      ],
      tracer: tracerProvider.getTracer('test'),
    });
    const result = await cascade.run({ prompt: 'hi' });
    expect(result.attempts[0]?.error?.message).toContain('Bearer [redacted]');
    expect(whereFound(result, echoed)).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(echoed);
    const spans = exporter.getFinishedSpans();
    expect(spans.some((span) => span.events.some((event) => event.name === 'exception'))).toBe(true);
    for (const span of spans) {
      expect(JSON.stringify({ attributes: span.attributes, events: span.events, status: span.status })).not.toContain(
        echoed,
      );
    }
    expect(CascadeError.isInstance(result.attempts[0]?.error)).toBe(true);
    await tracerProvider.shutdown();
  });
});
