import type {
  JSONObject,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  SharedV4Warning,
} from '@ai-sdk/provider';
import { UnsupportedFunctionalityError } from '@ai-sdk/provider';
import {
  type Cascade,
  type CascadeRequest,
  type CascadeResult,
  ConfigError,
  type RequestMetadata,
  type RunOptions,
} from '@llm-cascade/core';
import { fromAiSdkPrompt } from './from-ai-sdk-prompt.ts';
import { finishReasonToAiSdk, usageToAiSdk } from './usage.ts';

/** Options of `cascadeModel`. */
export interface CascadeModelOptions {
  /** The model id the AI SDK reports (telemetry, `response.modelId` fallback). Default: the cascade's name. */
  readonly modelId?: string;
  /** The provider name the AI SDK reports. Default `llm-cascade`. */
  readonly provider?: string;
  /** Run options applied to every call (quality floor, budget, metadata, race). The call's abort signal is added. */
  readonly runOptions?: Omit<RunOptions, 'signal'>;
  /** Request metadata for every call (tenant, feature, data class). */
  readonly metadata?: RequestMetadata;
}

const KNOWN_OPTIONS = new Set(['modelId', 'provider', 'runOptions', 'metadata']);

/** Call settings a cascade does not pass on: each is reported as an `unsupported` warning when set. */
const IGNORED_SETTINGS = [
  'stopSequences',
  'topP',
  'topK',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'reasoning',
] as const satisfies readonly (keyof LanguageModelV4CallOptions)[];

function validate(cascade: Cascade, options: CascadeModelOptions): void {
  if (typeof cascade !== 'object' || cascade === null || typeof cascade.run !== 'function') {
    throw new ConfigError('cascade', 'must be a cascade built with createCascade');
  }
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new ConfigError(key, 'unknown option');
  }
  for (const key of ['modelId', 'provider'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new ConfigError(key, 'must be a non-empty string');
    }
  }
}

/** The cascade request for an AI SDK call, and the warnings for what it could not carry. */
export function toCascadeRequest(
  call: LanguageModelV4CallOptions,
  metadata: RequestMetadata | undefined,
): { request: CascadeRequest; warnings: SharedV4Warning[] } {
  if (call.tools !== undefined && call.tools.length > 0) {
    throw new UnsupportedFunctionalityError({
      functionality: 'tools',
      message: 'llm-cascade: tools are not supported: a cascade answers with text only',
    });
  }
  const { messages, warnings } = fromAiSdkPrompt(call.prompt);
  for (const setting of IGNORED_SETTINGS) {
    if (call[setting] !== undefined) warnings.push({ type: 'unsupported', feature: setting });
  }
  const format = call.responseFormat;
  if (format?.type === 'json' && format.schema === undefined) {
    warnings.push({
      type: 'unsupported',
      feature: 'responseFormat',
      details: 'JSON without a schema is not passed on; give a schema, or add a JSON gate to the cascade',
    });
  }
  const request: CascadeRequest = {
    messages,
    ...(call.maxOutputTokens === undefined ? {} : { maxOutputTokens: call.maxOutputTokens }),
    ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(format?.type === 'json' && format.schema !== undefined
      ? {
          responseFormat: {
            type: 'json_schema' as const,
            schema: format.schema as { readonly [key: string]: unknown },
            ...(format.name === undefined ? {} : { name: format.name }),
          },
        }
      : {}),
  };
  return { request, warnings };
}

/** What `providerMetadata.llmCascade` holds: the run's record, kept small and JSON. */
export function cascadeMetadata(result: CascadeResult): JSONObject {
  return {
    accepted: result.accepted,
    outcome: result.outcome,
    tier: result.tier,
    tierIndex: result.tierIndex,
    model: result.model,
    escalations: result.escalations,
    repairs: result.repairs,
    costUsd: result.costUsd,
    topTierCostUsd: result.topTierCost.usd,
    topTierCostEstimated: result.topTierCost.estimated,
    latencyMs: result.latencyMs,
    attempts: result.attempts.map((attempt) => ({
      tier: attempt.tier,
      model: attempt.model,
      kind: attempt.kind,
      outcome: attempt.outcome,
      ...(attempt.failedGate === undefined ? {} : { failedGate: attempt.failedGate }),
      ...(attempt.error === undefined ? {} : { error: attempt.error.message }),
      costUsd: attempt.costUsd,
      latencyMs: attempt.latencyMs,
    })),
  };
}

function finishReasonOf(result: CascadeResult) {
  const attempt =
    result.attempts.findLast((candidate) => candidate.outcome === 'accepted') ??
    result.attempts.findLast((candidate) => candidate.tier === result.tier && candidate.candidates.length > 0);
  const candidate = attempt?.candidates[attempt.selectedCandidate] ?? attempt?.candidates[0];
  return finishReasonToAiSdk(candidate?.finishReason ?? 'other');
}

/**
 * A cascade as an AI SDK language model (specification `v4`, ai 7.x): `generateText`, `streamText` and
 * structured output take `model: cascadeModel(cascade)`.
 *
 * Text in, text out: tools, tool results and files throw `UnsupportedFunctionalityError`. A call's JSON
 * schema (`Output.object`, `generateObject`) goes to the tiers as the request's `responseFormat`; the
 * cascade's own gates decide acceptance (core cannot yet validate against a per-request schema).
 * `doStream` runs the whole cascade first and then emits the accepted text: nothing is released before
 * the gates pass, but nothing arrives early either (until core has `cascade.stream()`).
 * Cascade errors (`CascadeExhaustedError`, `BudgetExceededError`, ...) are thrown as they are; the AI SDK
 * does not retry them.
 */
export function cascadeModel(cascade: Cascade, options: CascadeModelOptions = {}): LanguageModelV4 {
  validate(cascade, options);
  const provider = options.provider ?? 'llm-cascade';
  const modelId = options.modelId ?? cascade.name;

  async function run(call: LanguageModelV4CallOptions) {
    const { request, warnings } = toCascadeRequest(call, options.metadata);
    const result = await cascade.run(request, {
      ...options.runOptions,
      ...(call.abortSignal === undefined ? {} : { signal: call.abortSignal }),
    });
    return { request, result, warnings };
  }

  return {
    specificationVersion: 'v4',
    provider,
    modelId,
    supportedUrls: {},
    async doGenerate(call): Promise<LanguageModelV4GenerateResult> {
      const { request, result, warnings } = await run(call);
      return {
        content: [{ type: 'text', text: result.text }],
        finishReason: finishReasonOf(result),
        usage: usageToAiSdk(result.usage),
        providerMetadata: { llmCascade: cascadeMetadata(result) },
        request: { body: request },
        response: { modelId: result.model },
        warnings,
      };
    },
    async doStream(call): Promise<LanguageModelV4StreamResult> {
      // Buffered: the cascade runs to completion before the first part, so errors reject doStream itself.
      const { request, result, warnings } = await run(call);
      const parts: LanguageModelV4StreamPart[] = [
        { type: 'stream-start', warnings },
        { type: 'response-metadata', modelId: result.model },
        { type: 'text-start', id: '0' },
        ...(result.text === '' ? [] : [{ type: 'text-delta' as const, id: '0', delta: result.text }]),
        { type: 'text-end', id: '0' },
        {
          type: 'finish',
          finishReason: finishReasonOf(result),
          usage: usageToAiSdk(result.usage),
          providerMetadata: { llmCascade: cascadeMetadata(result) },
        },
      ];
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      });
      return { stream, request: { body: request } };
    },
  };
}
