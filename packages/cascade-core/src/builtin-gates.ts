import type { Candidate, Gate, GateContext, GateResult } from './contracts.ts';
import type { BuiltinGateOptions } from './options.ts';

/**
 * Openings of refusals seen in chat models' answers. Matched case-insensitively against the start of the
 * answer only: a refusal phrase in the middle of a real answer ("I can't stress enough...") is not one.
 */
export const DEFAULT_REFUSAL_PHRASES: readonly string[] = [
  "I'm sorry, but I can't",
  "I'm sorry, but I cannot",
  "I'm sorry, I can't",
  'I am sorry, but I cannot',
  "I can't help with",
  "I can't assist with",
  'I cannot help with',
  'I cannot assist with',
  'I cannot provide',
  "I can't provide",
  "I won't be able to",
  'I am unable to',
  "I'm unable to",
  'As an AI language model, I cannot',
  "I'm not able to help",
];

const pass: GateResult = Object.freeze({ status: 'pass', reason: 'ok' });

/**
 * With several samples, a soft failure of one sample is not a failure of the attempt: later gates (a vote)
 * decide among the rest. The attempt fails only when every sample fails.
 */
function anyCandidate(context: GateContext, check: (candidate: Candidate) => GateResult | undefined): GateResult {
  if (context.candidates.length <= 1) return check(context.candidate) ?? pass;
  let firstFailure: GateResult | undefined;
  let failures = 0;
  for (const candidate of context.candidates) {
    const failure = check(candidate);
    if (failure === undefined) continue;
    failures += 1;
    firstFailure ??= failure;
  }
  if (firstFailure === undefined || failures < context.candidates.length) {
    return failures === 0 ? pass : { status: 'pass', reason: 'ok', details: { softFailedSamples: failures } };
  }
  return firstFailure;
}

/** Fails an empty or whitespace-only answer. */
export function nonEmptyGate(): Gate {
  return {
    name: 'non-empty',
    evaluate: (context) =>
      anyCandidate(context, (candidate) =>
        candidate.text.trim().length === 0 && candidate.refusal === undefined
          ? { status: 'fail', reason: 'empty-output', feedback: 'Your answer was empty. Answer the request.' }
          : undefined,
      ),
  };
}

/** Fails an answer cut off by the output limit or stopped by the provider's content filter. */
export function finishReasonGate(): Gate {
  return {
    name: 'finish-reason',
    evaluate: (context) =>
      anyCandidate(context, (candidate) => {
        if (candidate.finishReason === 'length') {
          return {
            status: 'fail',
            reason: 'truncated',
            feedback: 'Your answer was cut off at the output limit. Give a complete, shorter answer.',
          };
        }
        if (candidate.finishReason === 'content_filter') {
          // No feedback: asking the same model again rarely gets past its own filter.
          return { status: 'fail', reason: 'content-filter' };
        }
        return undefined;
      }),
  };
}

/** Fails a refusal: the provider's refusal field, a `refusal` finish, or an answer opening with a refusal phrase. */
export function refusalGate(options: { readonly phrases?: readonly string[] } = {}): Gate {
  const phrases = (options.phrases ?? DEFAULT_REFUSAL_PHRASES).map((phrase) => normalise(phrase));
  // Most answers cannot open with any phrase: their first letter rules them out without normalising.
  const openings = new Set(phrases.map((phrase) => phrase.charAt(0)));
  return {
    name: 'refusal',
    evaluate: (context) =>
      anyCandidate(context, (candidate) => {
        if (candidate.refusal !== undefined || candidate.finishReason === 'refusal') {
          return { status: 'fail', reason: 'refusal' };
        }
        const first = /\S/.exec(candidate.text.slice(0, 200))?.[0]?.toLowerCase();
        if (first === undefined || !openings.has(first === '\u2019' || first === '\u2018' ? "'" : first))
          return undefined;
        const opening = normalise(candidate.text.slice(0, 200));
        const phrase = phrases.find((p) => opening.startsWith(p));
        return phrase === undefined ? undefined : { status: 'fail', reason: 'refusal', details: { phrase } };
      }),
  };
}

// Curly apostrophes and runs of spaces vary between models; compare without them.
function normalise(text: string): string {
  return text
    .trimStart()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** Fails an answer with fewer output tokens than `minimum` (a zero-token answer is a silent failure). */
export function minOutputTokensGate(minimum = 1): Gate {
  return {
    name: 'min-output-tokens',
    evaluate: (context) =>
      context.usage.outputTokens >= minimum
        ? pass
        : {
            status: 'fail',
            reason: 'too-few-output-tokens',
            score: context.usage.outputTokens,
            details: { minimum },
          },
  };
}

/** The built-in soft-failure gates, cheapest first, as configured. */
export function builtinGates(options: BuiltinGateOptions | false | undefined): Gate[] {
  if (options === false) return [];
  const gates: Gate[] = [];
  if (options?.minOutputTokens !== false) gates.push(minOutputTokensGate(options?.minOutputTokens ?? 1));
  if (options?.nonEmpty !== false) gates.push(nonEmptyGate());
  if (options?.finishReason !== false) gates.push(finishReasonGate());
  const refusal = options?.refusal;
  if (refusal !== false) gates.push(refusalGate(typeof refusal === 'object' ? refusal : {}));
  return gates;
}
