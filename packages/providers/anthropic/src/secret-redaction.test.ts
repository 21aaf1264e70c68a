import { type CascadeEvent, CascadeExhaustedError, createCascade, ProviderError } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { anthropicProvider } from './index.ts';
import { type AnthropicWireServer, startAnthropicWireServer, type WireStep } from './test.ts';

// A key with no known shape (no `sk-ant-`): only the provider passing its configured key can scrub it.
const KEY = 'ant-live_Q7w9ZpL2xK4mN8vR3tY6';
// A different key, of a known shape, that a proxy might echo from upstream.
const UPSTREAM = 'sk-ant-api03-UPSTREAMabcdef1234567890';
const MODEL = 'claude-haiku-4-5';
const price = { inputPerMTok: 1, outputPerMTok: 1 };

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

const servers: AnthropicWireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Runs a cascade whose anthropic tier gets `step`, with an SDK recording every span; a fallback tier may answer. */
async function runAgainst(step: WireStep, options: { fallback: boolean; stream?: boolean }) {
  // The server checks the key, so a request that reached the script carried it.
  const server = await startAnthropicWireServer({ apiKey: KEY, script: [step] });
  servers.push(server);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const events: CascadeEvent[] = [];
  const provider = anthropicProvider({ apiKey: KEY, baseURL: server.baseURL, stream: options.stream ?? false });
  const cascade = createCascade({
    tiers: [
      { name: 'anthropic', provider, model: MODEL, price, retries: 0 },
      ...(options.fallback
        ? [{ name: 'fallback', provider: scriptedProvider({ script: [{ text: 'ok' }] }), model: 'f', price }]
        : []),
    ],
    tracer: tracerProvider.getTracer('test'),
    onEvent: (event) => events.push(event),
  });
  const outcome = await cascade.run({ prompt: 'hi' }).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  await tracerProvider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await tracerProvider.shutdown();
  expect(server.requests[0]?.authenticated).toBe(true);
  return { ...outcome, spans, events };
}

function expectNowhere(found: Awaited<ReturnType<typeof runAgainst>>, secret: string): void {
  const { result, error, spans, events } = found;
  expect(whereFound(result, secret)).toEqual([]);
  expect(whereFound(error, secret)).toEqual([]);
  expect(whereFound(events, secret)).toEqual([]);
  expect(JSON.stringify(result) ?? '').not.toContain(secret);
  expect(JSON.stringify(error) ?? '').not.toContain(secret);
  for (const span of spans) {
    expect(
      JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status }),
    ).not.toContain(secret);
  }
}

const echoes: [string, WireStep, boolean][] = [
  [
    'a 401 error body',
    {
      kind: 'error',
      status: 401,
      message: `invalid x-api-key: ${KEY}. You sent Authorization: Bearer ${KEY}; upstream ${UPSTREAM}`,
    },
    false,
  ],
  [
    'a 400 body with the key in nested fields',
    {
      kind: 'raw',
      status: 400,
      body: JSON.stringify({
        type: 'error',
        error: { type: 'invalid_request_error', message: `bad request for key ${KEY}` },
        debug: { headers: { 'x-api-key': KEY, 'x-upstream-key': UPSTREAM } },
      }),
    },
    false,
  ],
  [
    'a 529 text body',
    {
      kind: 'raw',
      status: 529,
      headers: { 'content-type': 'text/plain' },
      body: `overloaded for ${KEY} (${UPSTREAM})`,
    },
    false,
  ],
  [
    'an error event in a stream',
    { kind: 'message', text: 'partial', streamError: { type: 'overloaded_error', message: `overloaded for ${KEY}` } },
    true,
  ],
];

describe('anthropicProvider: a key echoed by the server appears nowhere', () => {
  it.each(echoes)('%s: not in the error, its cause, the attempts, the events or the spans', async (_, step, stream) => {
    const found = await runAgainst(step, { fallback: false, stream });
    expect(CascadeExhaustedError.isInstance(found.error)).toBe(true);
    const attemptError = (found.error as CascadeExhaustedError).attempts[0]?.error;
    expect(ProviderError.isInstance(attemptError)).toBe(true);
    expect(attemptError?.message).toContain('[redacted]');
    expect(found.spans.some((span) => span.events.some((event) => event.name === 'exception'))).toBe(true);
    expectNowhere(found, KEY);
    expectNowhere(found, UPSTREAM);
  });

  it('not in a result that was answered by the next tier', async () => {
    const [, step] = echoes[0] as [string, WireStep, boolean];
    const found = await runAgainst(step, { fallback: true });
    expect(found.result?.tier).toBe('fallback');
    expect(found.result?.attempts[0]?.outcome).toBe('provider-error');
    expectNowhere(found, KEY);
    expectNowhere(found, UPSTREAM);
  });
});
