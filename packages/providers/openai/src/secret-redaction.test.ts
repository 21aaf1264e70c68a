import { type CascadeEvent, CascadeExhaustedError, createCascade, ProviderError } from '@llm-cascade/core';
import { scriptedProvider } from '@llm-cascade/core/test';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { openaiProvider } from './index.ts';
import { type OpenAIWireServer, startOpenAIWireServer, type WireReply } from './test.ts';

// A key with no known shape (no `sk-`): only the provider passing its configured key can scrub it.
const KEY = 'proj-live_Q7w9ZpL2xK4mN8vR3tY6';
// A different key, of a known shape, that a proxy might echo from upstream.
const UPSTREAM = 'sk-or-v1-UPSTREAMabcdef1234567890';
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

const servers: OpenAIWireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Runs a cascade whose openai tier gets `reply`, with an SDK recording every span; a fallback tier may answer. */
async function runAgainst(reply: WireReply, fallback: boolean) {
  const server = await startOpenAIWireServer({ script: [reply] });
  servers.push(server);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const events: CascadeEvent[] = [];
  const cascade = createCascade({
    tiers: [
      {
        name: 'openai',
        provider: openaiProvider({ apiKey: KEY, baseURL: server.baseURL }),
        model: 'gpt',
        price,
        retries: 0,
      },
      ...(fallback
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
  // The server did receive the key, so the echo below really carried it.
  expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
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

const echoes: [string, WireReply][] = [
  [
    'a 401 error body',
    {
      type: 'error',
      status: 401,
      message: `Incorrect API key provided: ${KEY}. You sent Authorization: Bearer ${KEY}; upstream ${UPSTREAM}`,
      errorType: 'invalid_request_error',
      code: 'invalid_api_key',
    },
  ],
  [
    'a 400 body with the key in nested fields',
    {
      type: 'raw',
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({
        error: { message: `bad request for key ${KEY}`, type: 'invalid_request_error', param: KEY },
        debug: { headers: { authorization: `Bearer ${KEY}`, 'x-upstream-key': UPSTREAM } },
      }),
    },
  ],
  [
    'a 500 text body',
    { type: 'raw', status: 500, contentType: 'text/plain', body: `proxy failed for ${KEY} (${UPSTREAM})` },
  ],
  // Sent as text, the client hands it over as is and the provider quotes it in its malformed-response error.
  ['a 200 body that is not JSON', { type: 'raw', status: 200, contentType: 'text/plain', body: `{"oops": "${KEY}` }],
];

describe('openaiProvider: a key echoed by the server appears nowhere', () => {
  it.each(echoes)('%s: not in the error, its cause, the attempts, the events or the spans', async (_, reply) => {
    const found = await runAgainst(reply, false);
    expect(CascadeExhaustedError.isInstance(found.error)).toBe(true);
    const attemptError = (found.error as CascadeExhaustedError).attempts[0]?.error;
    expect(ProviderError.isInstance(attemptError)).toBe(true);
    expect(attemptError?.message).toContain('[redacted]');
    expect(found.spans.some((span) => span.events.some((event) => event.name === 'exception'))).toBe(true);
    expectNowhere(found, KEY);
    expectNowhere(found, UPSTREAM);
  });

  it('not in a result that was answered by the next tier', async () => {
    const [, reply] = echoes[0] as [string, WireReply];
    const found = await runAgainst(reply, true);
    expect(found.result?.tier).toBe('fallback');
    expect(found.result?.attempts[0]?.outcome).toBe('provider-error');
    expectNowhere(found, KEY);
    expectNowhere(found, UPSTREAM);
  });
});
