export type { BackendFailure, CheckPoolStats } from './check-pool.ts';
export type { CodeCheckResult, CodeCompilesReason } from './check-result.ts';
export type { CheckCodeOptions, CodeCompilesGate, CodeCompilesStats, WarmUpOptions } from './code-compiles-gate.ts';
export { codeCompilesGate } from './code-compiles-gate.ts';
export type { CodeDiagnostic, FeedbackLimits } from './diagnostics.ts';
export { DEFAULT_FEEDBACK_LIMITS, formatFeedback } from './diagnostics.ts';
export type { BlockSelection, ExtractCodeOptions, ExtractedCode } from './extract-code.ts';
export { extractCode } from './extract-code.ts';
export type { CodeCompilesGateOptions, TypeScriptCompilerOptions } from './gate-options.ts';
export {
  DEFAULT_COMPILER_MEMORY_MB,
  DEFAULT_COMPILER_OPTIONS,
  DEFAULT_MAX_NESTING_DEPTH,
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_TIMEOUT_MS,
  defaultPoolSize,
} from './gate-options.ts';
export type { CodeLanguage } from './languages.ts';
export { CODE_LANGUAGES } from './languages.ts';
export { resolvePythonInterpreter } from './python-backend.ts';
export type { JsonValue, NestingFailure } from './worker-protocol.ts';
