import type { Gate, GateContext, GateRequirements, GateResult } from '../contracts.ts';

export interface ScriptedGateOptions {
  readonly name?: string;
  readonly requires?: GateRequirements;
  /** Results in call order (the last repeats), or a function of the context. A thrown value is thrown. */
  readonly results:
    | readonly (GateResult | Error)[]
    | ((context: GateContext, call: number) => GateResult | Promise<GateResult>);
}

export interface ScriptedGate extends Gate {
  /** The contexts the gate was called with, in order. */
  readonly contexts: readonly GateContext[];
}

/** A gate that answers from a script, for testing the engine and for users' own tests. */
export function scriptedGate(options: ScriptedGateOptions): ScriptedGate {
  const contexts: GateContext[] = [];
  return {
    name: options.name ?? 'scripted',
    ...(options.requires === undefined ? {} : { requires: options.requires }),
    get contexts() {
      return contexts;
    },
    evaluate(context) {
      const call = contexts.length;
      contexts.push(context);
      const { results } = options;
      if (typeof results === 'function') return results(context, call);
      const result = results[Math.min(call, results.length - 1)];
      if (result === undefined) throw new Error('scriptedGate has no results');
      if (result instanceof Error) throw result;
      return result;
    },
  };
}
