import type { CascadeRequest } from '@llm-cascade/core';
import { seededRandom } from '../random.ts';
import type { TrainingExample } from '../training-example.ts';

/** The kinds of synthetic request, each with its own difficulty for the cheap tiers. */
export type SyntheticKind = 'chat' | 'math' | 'code';

const TOPICS = ['weather', 'travel', 'cooking', 'music', 'history', 'gardening', 'sports', 'films'];
const NAMES = ['parse', 'merge', 'sort', 'render', 'fetch', 'encode', 'compile', 'route'];

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A request of one kind; the wording varies with the random source. */
export function syntheticRequest(kind: SyntheticKind, random: () => number, id: string): CascadeRequest {
  if (kind === 'chat') {
    return { id, prompt: `Tell me something nice about ${pick(TOPICS, random)} and ${pick(TOPICS, random)}.` };
  }
  if (kind === 'math') {
    const a = Math.floor(random() * 900) + 100;
    const b = Math.floor(random() * 90) + 10;
    return { id, prompt: `Compute ${a} * ${b} + ${a % 7} = ? Show the arithmetic step by step.` };
  }
  const name = pick(NAMES, random);
  return {
    id,
    prompt: `Fix the bug in this function:\n\`\`\`ts\nfunction ${name}(items: string[]) {\n  return items.map((x) => x.${name}());\n}\n\`\`\``,
    metadata: { feature: 'codegen' },
  };
}

/**
 * Labelled examples for a three-tier ladder where the cheapest tier handles chat, the middle one chat
 * and maths, and the last everything; `noise` flips that share of the cheaper tiers' labels.
 */
export function syntheticExamples(count: number, seed = 1, noise = 0.05): TrainingExample[] {
  const random = seededRandom(seed);
  const kinds: SyntheticKind[] = ['chat', 'math', 'code'];
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % 3] as SyntheticKind;
    const request = syntheticRequest(kind, random, `${kind}-${i}`);
    const flip = (value: boolean) => (random() < noise ? !value : value);
    const labels = [flip(kind === 'chat'), flip(kind !== 'code'), true];
    return {
      id: request.id as string,
      request,
      labels,
      correct: labels,
      costUsd: [0.001, 0.004, 0.02],
    };
  });
}
