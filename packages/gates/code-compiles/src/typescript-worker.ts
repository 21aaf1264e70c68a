/**
 * The body of a checker worker thread. It owns one TypeScript 7 compiler (tsgo, a child process reached
 * through the synchronous API over pipes) and the oxc JavaScript parser. The synchronous API blocks the
 * thread that calls it, which is why it lives here and not on the caller's event loop.
 *
 * The code is only ever parsed and type-checked, never run. The compiler sees a virtual file system: the
 * answer, its tsconfig and the user's declarations in memory, plus read access to the compiler's own lib
 * folder and to the directories the user allowed, and nothing else of the real disk.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { parseSync } from 'oxc-parser';
import type { FileSystem, FileSystemEntries } from 'typescript/unstable/fs';
import { API, type Diagnostic, type Snapshot } from 'typescript/unstable/sync';
import { type CodeDiagnostic, lineStartsOf, positionOf } from './diagnostics.ts';
import type {
  MainToWorker,
  NodeCheckRequest,
  NodeCheckResponse,
  NodeWorkerConfig,
  WorkerToMain,
} from './worker-protocol.ts';

const ROOT = '/answer';
const DECLARATIONS_DIR = `${ROOT}/declarations`;
const ERROR_CATEGORY = 1;
// Messages inside a chain can repeat the same long type; cap the flattened text before it is cloned out.
const MESSAGE_CAP = 4000;

type ProjectLanguage = 'typescript' | 'javascript';

interface OpenProject {
  readonly configPath: string;
  readonly answerPath: string;
  readonly declarationDiagnostics: boolean;
}

function post(message: WorkerToMain): void {
  parentPort?.postMessage(message);
}

/** The folder holding tsgo's lib .d.ts files, found the way the typescript package finds its binary. */
function compilerLibDirectories(): string[] {
  const typescriptPackage = fileURLToPath(import.meta.resolve('typescript/package.json'));
  const platformPackage = `@typescript/typescript-${process.platform}-${process.arch}/package.json`;
  const resolved = createRequire(typescriptPackage).resolve(platformPackage);
  const lib = join(dirname(resolved), 'lib');
  const real = realpathSync(lib);
  return real === lib ? [lib] : [lib, real];
}

function realDirectories(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    const trimmed = path.replace(/\/+$/, '');
    out.push(trimmed);
    try {
      const real = realpathSync(trimmed);
      if (real !== trimmed) out.push(real);
    } catch {
      // A directory that does not exist cannot be read anyway.
    }
  }
  return out;
}

/**
 * The in-memory tree the compiler sees. `undefined` from a callback means "ask the real disk", which is
 * only ever answered for the allowed directories; everything else outside memory does not exist.
 */
class SandboxFileSystem {
  readonly files = new Map<string, string>();
  readonly #directories = new Map<string, Set<string>>([['/', new Set()]]);
  readonly #readable: readonly string[];

  constructor(readable: readonly string[]) {
    this.#readable = readable.map((dir) => (dir.endsWith('/') ? dir : `${dir}/`));
  }

  write(path: string, content: string): void {
    this.files.set(path, content);
    let child = path;
    let parent = dirname(child);
    while (child !== parent) {
      const entries = this.#directories.get(parent) ?? new Set<string>();
      entries.add(child);
      const known = this.#directories.has(parent);
      this.#directories.set(parent, entries);
      if (known) break;
      child = parent;
      parent = dirname(child);
    }
  }

  #isReadable(path: string): boolean {
    return this.#readable.some((dir) => path.startsWith(dir) || `${path}/` === dir);
  }

  callbacks(): FileSystem {
    return {
      readFile: (path) => this.files.get(path) ?? (this.#isReadable(path) ? undefined : null),
      fileExists: (path) => this.files.has(path) || (this.#isReadable(path) ? undefined : false),
      directoryExists: (path) => this.#directories.has(path) || (this.#isReadable(path) ? undefined : false),
      getAccessibleEntries: (path): FileSystemEntries | undefined => {
        const entries = this.#directories.get(path);
        if (entries === undefined) return this.#isReadable(path) ? undefined : { files: [], directories: [] };
        const files: string[] = [];
        const directories: string[] = [];
        for (const entry of entries) {
          const name = entry.slice(entry.lastIndexOf('/') + 1);
          if (this.files.has(entry)) files.push(name);
          else directories.push(name);
        }
        return { files, directories };
      },
      realpath: (path) => (this.#isReadable(path) ? undefined : path),
    };
  }
}

/** The gate's own configuration is wrong (bad compiler options, broken declarations): not the answer's fault. */
class SetupError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

function flatten(diagnostic: Diagnostic, depth = 0, out: string[] = []): string[] {
  out.push(`${'  '.repeat(depth)}${diagnostic.text}`);
  for (const chained of diagnostic.messageChain ?? []) {
    if (out.length > 20) break;
    flatten(chained, depth + 1, out);
  }
  return out;
}

class TypeScriptChecker {
  readonly #config: NodeWorkerConfig;
  readonly #fs: SandboxFileSystem;
  readonly #api: API;
  readonly #projects = new Map<ProjectLanguage, OpenProject>();
  readonly compilerPid: number;
  #snapshot: Snapshot | undefined;

  constructor(config: NodeWorkerConfig) {
    this.#config = config;
    this.#fs = new SandboxFileSystem([...compilerLibDirectories(), ...realDirectories(config.readableDirectories)]);
    for (const [name, text] of Object.entries(config.declarations)) this.#fs.write(`${DECLARATIONS_DIR}/${name}`, text);
    this.#api = new API({ fs: this.#fs.callbacks(), cwd: ROOT });
    // The pid lets the main thread kill a compiler stuck in a pathological type: this thread is blocked
    // in a read on its pipe then and cannot do it. The field is private in the pinned typescript version.
    const pid = (this.#api as unknown as { client?: { channel?: { child?: { pid?: unknown } } } }).client?.channel
      ?.child?.pid;
    if (typeof pid !== 'number') {
      this.#api.close();
      throw new Error('cannot find the TypeScript compiler process id: this typescript version is not supported');
    }
    this.compilerPid = pid;
    const child = (
      this.#api as unknown as { client: { channel: { child: { once(event: string, listener: () => void): void } } } }
    ).client.channel.child;
    // Only this thread's event loop can reap the compiler: the main thread waits for this message before it
    // terminates the thread, or every killed compiler would stay behind as a zombie.
    child.once('exit', () => post({ type: 'compiler-exited' }));
  }

  /** Opens the language's project; returns the diagnostics that say the gate's own setup is wrong. */
  open(language: ProjectLanguage): { field: string; message: string } | undefined {
    if (this.#projects.has(language)) return undefined;
    const config = this.#config;
    const directory = `${ROOT}/${language}`;
    const extension = language === 'typescript' ? (config.jsx ? 'tsx' : 'ts') : config.jsx ? 'jsx' : 'js';
    const answerPath = `${directory}/answer.${extension}`;
    const configPath = `${directory}/tsconfig.json`;
    const declarationFiles = Object.keys(config.declarations).map((name) => `../declarations/${name}`);
    const compilerOptions =
      language === 'javascript' ? { ...config.compilerOptions, allowJs: true, checkJs: true } : config.compilerOptions;
    this.#fs.write(
      configPath,
      JSON.stringify({ compilerOptions, files: [`answer.${extension}`, ...declarationFiles] }),
    );
    this.#fs.write(answerPath, 'export {};\n');
    const previous = this.#snapshot;
    this.#snapshot = this.#api.updateSnapshot({ openProjects: [configPath] });
    previous?.dispose();
    const project = this.#snapshot.getProject(configPath);
    if (project === undefined)
      return { field: 'compilerOptions', message: 'the TypeScript compiler did not open the project' };
    const program = project.program;
    const setup = [
      ...program.getConfigFileParsingDiagnostics(),
      ...program.getProgramDiagnostics(),
      ...program.getGlobalDiagnostics(),
    ].filter((d) => d.category === ERROR_CATEGORY);
    if (setup.length > 0) {
      return {
        field: 'compilerOptions',
        message: setup
          .slice(0, 5)
          .map((d) => `TS${d.code}: ${d.text}`)
          .join('; '),
      };
    }
    for (const name of Object.keys(config.declarations)) {
      const path = `${DECLARATIONS_DIR}/${name}`;
      const errors = program.getSyntacticDiagnostics(path).filter((d) => d.category === ERROR_CATEGORY);
      const first = errors[0];
      if (first !== undefined) return { field: `declarations.${name}`, message: `TS${first.code}: ${first.text}` };
    }
    // Check the placeholder once, so lib files are parsed and bound now and the first real check is warm.
    program.getSemanticDiagnostics(answerPath);
    this.#projects.set(language, {
      configPath,
      answerPath,
      declarationDiagnostics: compilerOptions.declaration === true || compilerOptions.composite === true,
    });
    return undefined;
  }

  check(language: ProjectLanguage, source: string): CodeDiagnostic[] {
    const setupError = this.open(language);
    if (setupError !== undefined) throw new SetupError(setupError.field, setupError.message);
    const project = this.#projects.get(language) as OpenProject;
    this.#fs.write(project.answerPath, source);
    const previous = this.#snapshot;
    this.#snapshot = this.#api.updateSnapshot({ fileChanges: { changed: [project.answerPath] } });
    previous?.dispose();
    const program = this.#snapshot.getProject(project.configPath)?.program;
    if (program === undefined) throw new Error('the TypeScript compiler lost the project');
    const lineStarts = lineStartsOf(source);
    const syntactic = program.getSyntacticDiagnostics(project.answerPath);
    let all: readonly Diagnostic[] = syntactic;
    if (!syntactic.some((d) => d.category === ERROR_CATEGORY)) {
      all = [...syntactic, ...program.getSemanticDiagnostics(project.answerPath)];
      if (project.declarationDiagnostics) all = [...all, ...program.getDeclarationDiagnostics(project.answerPath)];
    }
    const ignored = this.#config.ignoreDiagnosticCodes;
    const out: CodeDiagnostic[] = [];
    for (const d of all) {
      if (ignored.includes(d.code)) continue;
      const inAnswer = d.fileName === undefined || d.fileName === project.answerPath;
      const position = inAnswer && d.fileName !== undefined ? positionOf(lineStarts, d.pos) : { line: 0, column: 0 };
      out.push({
        kind: syntactic.includes(d) ? 'syntax' : 'type',
        severity: d.category === ERROR_CATEGORY ? 'error' : 'warning',
        line: position.line,
        column: position.column,
        code: `TS${d.code}`,
        message: flatten(d).join('\n').slice(0, MESSAGE_CAP),
      });
    }
    return out;
  }

  close(): void {
    this.#api.close();
  }
}

// Not oxc's raw transfer (`experimentalLazy`), though it parses large inputs twice as fast: each thread that
// uses it reserves tens of GiB of address space, after which this whole process can no longer spawn a child
// (fork fails with ENOMEM under the kernel's overcommit heuristic), the TypeScript compiler included.

function parseJavaScript(source: string, config: NodeWorkerConfig): CodeDiagnostic[] {
  const result = parseSync(config.jsx ? 'answer.jsx' : 'answer.js', source, {
    lang: config.jsx ? 'jsx' : 'js',
    sourceType: config.sourceType,
    showSemanticErrors: true,
  });
  if (result.errors.length === 0) return [];
  const lineStarts = lineStartsOf(source);
  return result.errors.map((error) => {
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
    } satisfies CodeDiagnostic;
  });
}

const config = workerData as NodeWorkerConfig;
let typescript: TypeScriptChecker | undefined;

function compiler(): TypeScriptChecker {
  if (typescript === undefined) {
    typescript = new TypeScriptChecker(config);
    post({ type: 'compiler-started', compilerPid: typescript.compilerPid });
  }
  return typescript;
}

function handle(request: NodeCheckRequest): NodeCheckResponse {
  const started = performance.now();
  let diagnostics: CodeDiagnostic[] = [];
  if (request.mode !== 'typecheck') diagnostics = parseJavaScript(request.source, config);
  const parsed = !diagnostics.some((d) => d.severity === 'error');
  if (request.mode !== 'parse' && parsed) {
    diagnostics = [...diagnostics, ...compiler().check(request.language, request.source)];
  }
  return { diagnostics, workerMs: performance.now() - started };
}

function start(): void {
  if (config.eagerTypeScript) {
    const checker = compiler();
    const setupError = checker.open(config.eagerLanguage);
    if (setupError !== undefined) {
      post({ type: 'config-error', ...setupError });
      return;
    }
  }
  post({ type: 'ready', compilerPid: typescript?.compilerPid });
}

parentPort?.on('message', (message: MainToWorker) => {
  if (message.type !== 'check') return;
  const { request } = message;
  try {
    post({ type: 'result', id: request.id, response: handle(request) });
  } catch (error) {
    if (error instanceof SetupError) post({ type: 'config-error', field: error.field, message: error.message });
    else post({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
});

process.on('exit', () => typescript?.close());

try {
  start();
} catch (error) {
  post({ type: 'failed', id: undefined, message: error instanceof Error ? error.message : String(error) });
}
