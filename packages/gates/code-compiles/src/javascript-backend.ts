import { fileURLToPath } from 'node:url';
import { StdioChildBackend } from './stdio-child-backend.ts';
import type { JavaScriptParseRequest, JavaScriptParseResponse, JavaScriptParserConfig } from './worker-protocol.ts';

export interface JavaScriptBackendOptions {
  readonly config: JavaScriptParserConfig;
  /** V8 heap cap of the parser process, in MiB. */
  readonly heapMb: number;
  /** Resident-memory cap of the parser process (oxc's native memory included), in MiB; watched on Linux. */
  readonly memoryMb: number;
}

// From source (tests, `--conditions=source`) the script is the .ts file, run by Node's type stripping; from
// the build it is the compiled .js beside this module.
const SCRIPT_URL = new URL(
  import.meta.url.endsWith('.ts') ? './javascript-parser-process.ts' : './javascript-parser-process.js',
  import.meta.url,
);

/** The environment of the parser process: the caller's, less what would make Node load code of its own choosing. */
function parserEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // NODE_OPTIONS may `--require` or `--import` instrumentation: nothing but the parser should load there.
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * One child Node process parsing JavaScript with oxc. A native crash in the parser (a stack overflow on
 * deeply nested code) ends this process only; the pool reports the check and starts another.
 */
export function javascriptBackend(
  options: JavaScriptBackendOptions,
): StdioChildBackend<JavaScriptParseRequest, JavaScriptParseResponse> {
  return new StdioChildBackend<JavaScriptParseRequest, JavaScriptParseResponse>({
    label: 'the JavaScript parser',
    command: async () => ({
      file: process.execPath,
      args: [`--max-old-space-size=${options.heapMb}`, fileURLToPath(SCRIPT_URL), JSON.stringify(options.config)],
      env: parserEnvironment(),
    }),
    watchMemoryMb: options.memoryMb,
  });
}
