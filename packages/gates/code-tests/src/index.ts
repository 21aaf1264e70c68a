export type { CodeTestsGate, CodeTestsReason, CodeTestsRun, RunTestsOptions } from './code-tests-gate.ts';
export { codeTestsGate } from './code-tests-gate.ts';
export type { CodeTestsGateOptions, TestsSource } from './gate-options.ts';
export { defaultPoolSize } from './gate-options.ts';
export type { SandboxPoolStats } from './sandbox-pool.ts';
export type { JsonValue, SandboxLanguage } from './sandbox-protocol.ts';
export type { AssertionTest, CodeTests, TestCase } from './test-suite.ts';
