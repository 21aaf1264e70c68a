// The code-generation cascade: a TypeScript function must type-check before it is accepted. A failed check
// goes back to the same model with the compiler's diagnostics (a repair); a second failure escalates.
import { type Cascade, type CascadeOptions, createCascade } from '@llm-cascade/core';
import { type Models, publishedPrice } from '@llm-cascade/example-support';
import { codeCompilesGate } from '@llm-cascade/gate-code-compiles';

/** The model behind each tier, live. Offline, the replay server answers under the same names. */
export const MODELS = { small: 'gpt-4.1-mini', claude: 'claude-sonnet-4-5' } as const;

export const SYSTEM_PROMPT =
  'You write TypeScript for a strict-mode project that targets the browser (ES2023 library plus the DOM; no ' +
  'Node types). Reply with one ```ts code block holding the exported function and any helpers it needs, and ' +
  'nothing else.';

/**
 * The prompt a repair appends after the rejected answer; the gate's feedback lists the diagnostics with
 * line, column, code and the offending source line. Set here so the recorded repairs match what is sent.
 */
export function repairPrompt(feedback: string): string {
  return `${feedback}\nFix these errors and reply with the whole corrected \`\`\`ts code block only.`;
}

/**
 * Builds the cascade. The gate type-checks each answer with TypeScript 7 in a worker, on a virtual file
 * system: the code is never run. `close()` stops the worker.
 */
export function buildCodeCascade(
  models: Pick<Models, 'openai' | 'anthropic'>,
  options: Pick<CascadeOptions, 'onEvent'> = {},
): Cascade<string> {
  const compiles = codeCompilesGate({ language: 'typescript', lib: ['es2023', 'dom'] });
  return createCascade<string>({
    name: 'code-generation',
    tiers: [
      { name: 'small', provider: models.openai, model: MODELS.small, price: publishedPrice(MODELS.small) },
      { name: 'claude', provider: models.anthropic, model: MODELS.claude, price: publishedPrice(MODELS.claude) },
    ],
    gates: [compiles],
    repairPrompt,
    ...options,
  });
}
