export type {
  FaultInjectionOptions,
  FaultInjectionProvider,
  FaultKind,
  FaultRates,
} from './testing/fault-injection-provider.ts';
export { faultInjectionProvider } from './testing/fault-injection-provider.ts';
export type { GateContextOptions } from './testing/gate-context.ts';
export { gateContext } from './testing/gate-context.ts';
export type { ScriptedGate, ScriptedGateOptions } from './testing/scripted-gate.ts';
export { scriptedGate } from './testing/scripted-gate.ts';
export type {
  Script,
  ScriptedCall,
  ScriptedCandidate,
  ScriptedFault,
  ScriptedProvider,
  ScriptedProviderOptions,
  ScriptStep,
} from './testing/scripted-provider.ts';
export { scriptedProvider } from './testing/scripted-provider.ts';
export type { SoakOptions, SoakReport } from './testing/soak.ts';
export { soak } from './testing/soak.ts';
