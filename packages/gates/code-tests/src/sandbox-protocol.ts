/** A JSON value, as test inputs and expected outputs are written. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The languages the sandboxes run. */
export type SandboxLanguage = 'javascript' | 'typescript' | 'python';

/** One test, as sent to a sandbox: test code to run after the answer, or a call of the entry point. */
export type SandboxTest =
  | { readonly kind: 'assertion'; readonly name: string; readonly code: string }
  | {
      readonly kind: 'case';
      readonly name: string;
      /** The arguments, a JSON array; the only part of a case that enters the sandbox. */
      readonly argsJson: string;
      /** Compared on the worker's side of the sandbox wall, never inside it. */
      readonly expected: JsonValue;
    };

/** The limits of one run, resolved from the gate's options. */
export interface SandboxLimits {
  /** CPU time of the whole run (answer plus every test), in milliseconds. */
  readonly timeoutMs: number;
  /** Memory the program may allocate, in MiB. */
  readonly memoryMb: number;
  /** Bytes of output (print, console.log) kept; past it the run stops with `output-limit`. */
  readonly maxOutputBytes: number;
  /** JavaScript: the interpreter's stack, in KiB. Python: the recursion limit (frames). */
  readonly stackKb: number;
  readonly recursionLimit: number;
}

export interface SandboxRequest {
  readonly id: number;
  readonly language: SandboxLanguage;
  /** The answer's code (TypeScript already stripped by the worker, not by the caller). */
  readonly code: string;
  /** For cases: the function the cases call. */
  readonly entryPoint: string | undefined;
  /** Run before the answer (helpers the tests and answer share). */
  readonly setup: string | undefined;
  readonly tests: readonly SandboxTest[];
  readonly limits: SandboxLimits;
  /** Seeds Math.random / random. */
  readonly seed: number;
  /** Relative (and, near zero, absolute) tolerance when a case's numbers are compared. */
  readonly tolerance: number;
}

/** How a run ended: `completed` even when tests failed; the others stopped it early. */
export type RunOutcome = 'completed' | 'timeout' | 'memory-limit' | 'output-limit' | 'code-error';

export interface TestOutcome {
  readonly name: string;
  readonly passed: boolean;
  /** For a failure: the error's type and message (truncated). */
  readonly error?: { readonly type: string; readonly message: string };
  /** For a case: the returned value, as JSON (tagged for non-JSON values), truncated. */
  readonly actualJson?: string;
  /** A stack overflow (JavaScript) or RecursionError (Python) failed this test. */
  readonly recursion?: boolean;
}

export interface SandboxResponse {
  readonly id: number;
  readonly outcome: RunOutcome;
  /** One per test that ran, in order; tests after a stop are missing. */
  readonly tests: readonly TestOutcome[];
  /** For `code-error`: the answer's code failed before any test (syntax error, exception at load). */
  readonly codeError?: { readonly type: string; readonly message: string; readonly line?: number };
  /** What the program printed (stdout and stderr interleaved), truncated to the output limit. */
  readonly output: string;
  /** Time the sandbox spent on the run, in milliseconds. */
  readonly runMs: number;
}

/** Messages from a sandbox worker thread to the host. */
export type WorkerToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly response: SandboxResponse }
  /** The sandbox is unusable (a fatal interpreter error): the host kills and replaces it. */
  | { readonly type: 'fatal'; readonly id: number | undefined; readonly message: string };

export type HostToWorker = { readonly type: 'run'; readonly request: SandboxRequest };

/** Cut a string to `max` characters, saying how much was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}... (${text.length - max} more characters)`;
}
