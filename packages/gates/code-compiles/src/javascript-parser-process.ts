/**
 * The JavaScript parser process: a child Node process that parses answers with oxc and nothing else. It
 * reads one JSON request a line (`{ id, source }`) and answers one JSON line each. Parsing is all it does:
 * the code is never run, and regular expression literals are only compiled (`new RegExp`), never executed.
 *
 * Why a process and not a worker thread: oxc's recursive descent parser overflows the native stack on
 * deeply nested input, and a native stack overflow is a SIGSEGV that kills the whole process, every thread
 * in it included. Here it kills only this process; the pool in the caller replaces it and the check fails.
 *
 * argv[2] is the JSON of a `JavaScriptParserConfig`.
 */
import { parseSync } from 'oxc-parser';
import { type CodeDiagnostic, lineStartsOf, positionOf } from './diagnostics.ts';
import { scanNesting } from './nesting-depth.ts';
import { type JavaScriptParseResponse, type JavaScriptParserConfig, MAX_DIAGNOSTICS } from './worker-protocol.ts';

// Messages can quote long stretches of code; cap them before they are sent back.
const MESSAGE_CAP = 4000;

interface RegularExpressionNode {
  readonly start: number;
  readonly regex: { readonly pattern: string; readonly flags: string };
}

function isRegularExpressionNode(
  value: Record<string, unknown>,
): value is Record<string, unknown> & RegularExpressionNode {
  const regex = value.regex as { pattern?: unknown; flags?: unknown } | undefined;
  return (
    value.type === 'Literal' &&
    typeof value.start === 'number' &&
    typeof regex === 'object' &&
    regex !== null &&
    typeof regex.pattern === 'string' &&
    typeof regex.flags === 'string'
  );
}

/**
 * Regular expression literals the running Node refuses (`/(?<a>x)(?<a>y)/`, `/[z-a]/`): oxc checks their
 * flags but not their patterns. `new RegExp` only compiles the pattern, in time linear in its length.
 * Walks the AST with an explicit stack: a long member chain is deep enough to overflow a recursive walk.
 */
function invalidRegularExpressions(program: unknown, lineStarts: readonly number[]): CodeDiagnostic[] {
  const out: CodeDiagnostic[] = [];
  const stack: unknown[] = [program];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    const node = value as Record<string, unknown>;
    if (isRegularExpressionNode(node)) {
      try {
        new RegExp(node.regex.pattern, node.regex.flags);
      } catch (error) {
        out.push({
          kind: 'syntax',
          severity: 'error',
          ...positionOf(lineStarts, node.start),
          code: 'SyntaxError',
          message: (error instanceof Error ? error.message : String(error)).slice(0, MESSAGE_CAP),
        });
      }
      continue;
    }
    if (out.length >= MAX_DIAGNOSTICS) break;
    for (const key in node) {
      const child = node[key];
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

function parse(source: string, config: JavaScriptParserConfig): JavaScriptParseResponse {
  const scan = scanNesting(source, config.maxNestingDepth);
  if (scan.exceeded) {
    const at = positionOf(lineStartsOf(source), scan.offset);
    return { diagnostics: [], nesting: { depth: scan.depth, limit: config.maxNestingDepth, ...at } };
  }
  // Not oxc's raw transfer (`experimentalLazy`), though it parses large inputs twice as fast: it reserves tens
  // of GiB of address space per thread.
  const result = parseSync(config.jsx ? 'answer.jsx' : 'answer.js', source, {
    lang: config.jsx ? 'jsx' : 'js',
    sourceType: config.sourceType,
    showSemanticErrors: true,
  });
  const lineStarts = lineStartsOf(source);
  if (result.errors.length === 0) {
    // The scan counts what looks like a regular expression literal; with none there is no AST to walk. JSX
    // text can hide one from the scan, so JSX is always walked.
    if (scan.regularExpressions === 0 && !config.jsx) return { diagnostics: [] };
    return { diagnostics: invalidRegularExpressions(result.program, lineStarts) };
  }
  const diagnostics = result.errors.slice(0, MAX_DIAGNOSTICS).map((error): CodeDiagnostic => {
    const [primary, ...others] = error.labels;
    const position = primary === undefined ? { line: 0, column: 0 } : positionOf(lineStarts, primary.start);
    let message = error.message;
    for (const label of others) {
      if (label.message === null) continue;
      const at = positionOf(lineStarts, label.start);
      message += `; ${label.message} (line ${at.line}, column ${at.column})`;
    }
    if (error.helpMessage !== null) message += ` (${error.helpMessage})`;
    return {
      kind: 'syntax',
      severity: error.severity === 'Error' ? 'error' : 'warning',
      line: position.line,
      column: position.column,
      code: 'SyntaxError',
      message: message.slice(0, MESSAGE_CAP),
    };
  });
  return { diagnostics };
}

function answer(line: string, config: JavaScriptParserConfig): string {
  let id: unknown;
  try {
    const request = JSON.parse(line) as { id?: unknown; source?: unknown };
    id = request.id;
    if (typeof request.source !== 'string') throw new TypeError('source must be a string');
    return JSON.stringify({ id, ...parse(request.source, config) });
  } catch (error) {
    // A broken request is this package's bug, not the answer's: report it as such, never as a verdict.
    return JSON.stringify({ id, failed: error instanceof Error ? error.message : String(error) });
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as JavaScriptParserConfig;
// Load and warm the parser before saying ready, so the first real check is as fast as the rest.
parse('export const warm = [1, 2].map((x) => x * 2);', config);
process.stdout.write('{"ready":true}\n');
// Requests are JSON, so a raw line break only ever ends one. Split by hand: readline costs more per line.
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffer += chunk;
  let end = buffer.indexOf('\n');
  while (end !== -1) {
    const line = buffer.slice(0, end);
    buffer = buffer.slice(end + 1);
    // Pipes to stdout are written synchronously on Linux, so answers go out in order and at once.
    process.stdout.write(`${answer(line, config)}\n`);
    end = buffer.indexOf('\n');
  }
});
// The caller closed the pipe (close(), or its own exit): nothing more will come.
process.stdin.on('end', () => process.exit(0));
