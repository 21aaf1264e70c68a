/**
 * The body of a TypeScript checker worker thread. It owns one TypeScript 7 compiler (tsgo, a child process
 * reached through the synchronous API over pipes). The synchronous API blocks the thread that calls it,
 * which is why it lives here and not on the caller's event loop. A crash of tsgo ends tsgo only (it is its
 * own process); JavaScript is parsed elsewhere, in a process of its own (see javascript-parser-process.ts).
 *
 * The code is only ever type-checked, never run. The compiler sees a virtual file system: the answer, its
 * tsconfig and the user's declarations in memory, plus read access to the compiler's own lib folder and to
 * the directories the user allowed, and nothing else of the real disk: a path is readable only when its
 * real path (symbolic links resolved) lies inside one of those directories' real paths.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { FileSystem, FileSystemEntries } from 'typescript/unstable/fs';
import { API, type Diagnostic, type Snapshot } from 'typescript/unstable/sync';
import { type CodeDiagnostic, lineStartsOf, positionOf } from './diagnostics.ts';
import { nestingFailure } from './nesting-depth.ts';
import {
  MAX_DIAGNOSTICS,
  type MainToWorker,
  type NodeCheckRequest,
  type NodeCheckResponse,
  type NodeWorkerConfig,
  type WorkerToMain,
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

/** The directories as given (trailing slashes trimmed) and their real paths; a missing one is left out. */
function readableRoots(paths: readonly string[]): { given: string[]; real: string[] } {
  const given: string[] = [];
  const real: string[] = [];
  for (const path of paths) {
    const trimmed = path.replace(/\/+$/, '');
    try {
      real.push(realpathSync.native(trimmed));
      given.push(trimmed);
    } catch {
      // A directory that does not exist cannot be read anyway.
    }
  }
  return { given, real };
}

function withSlash(directory: string): string {
  return directory.endsWith('/') ? directory : `${directory}/`;
}

/**
 * The in-memory tree the compiler sees. `undefined` from a callback means "ask the real disk", which is
 * only ever answered for paths whose real location lies inside an allowed directory; everything else
 * outside memory does not exist. Real paths are checked, not the paths asked about: a symbolic link inside
 * an allowed directory that points outside it (to `/etc/passwd`, say) leads nowhere.
 */
class SandboxFileSystem {
  readonly files = new Map<string, string>();
  readonly #directories = new Map<string, Set<string>>([['/', new Set()]]);
  /** Prefixes (with a trailing slash) of the paths the compiler may ask the disk about, as given and real. */
  readonly #readable: readonly string[];
  readonly #realReadable: readonly string[];
  /** Real paths already resolved (`null`: missing or outside); the disk is not expected to change under a check. */
  readonly #realPaths = new Map<string, string | null>();

  constructor(roots: { readonly given: readonly string[]; readonly real: readonly string[] }) {
    this.#readable = [...new Set([...roots.given, ...roots.real])].map(withSlash);
    this.#realReadable = roots.real.map(withSlash);
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

  static #inside(path: string, directories: readonly string[]): boolean {
    return directories.some((dir) => path.startsWith(dir) || `${path}/` === dir);
  }

  /** The real path of a disk path the compiler may read, or `undefined` when it is missing or leads outside. */
  #onDisk(path: string): string | undefined {
    if (!SandboxFileSystem.#inside(path, this.#readable)) return undefined;
    let real = this.#realPaths.get(path);
    if (real === undefined) {
      try {
        const resolved = realpathSync.native(path);
        real = SandboxFileSystem.#inside(resolved, this.#realReadable) ? resolved : null;
      } catch {
        real = null;
      }
      // Bounded: a compiler probing many paths cannot grow this without limit.
      if (this.#realPaths.size >= 20_000) this.#realPaths.clear();
      this.#realPaths.set(path, real);
    }
    return real ?? undefined;
  }

  callbacks(): FileSystem {
    return {
      readFile: (path) => this.files.get(path) ?? (this.#onDisk(path) === undefined ? null : undefined),
      fileExists: (path) => this.files.has(path) || (this.#onDisk(path) === undefined ? false : undefined),
      directoryExists: (path) => this.#directories.has(path) || (this.#onDisk(path) === undefined ? false : undefined),
      getAccessibleEntries: (path): FileSystemEntries | undefined => {
        const entries = this.#directories.get(path);
        if (entries === undefined) return this.#onDisk(path) === undefined ? { files: [], directories: [] } : undefined;
        const files: string[] = [];
        const directories: string[] = [];
        for (const entry of entries) {
          const name = entry.slice(entry.lastIndexOf('/') + 1);
          if (this.files.has(entry)) files.push(name);
          else directories.push(name);
        }
        return { files, directories };
      },
      realpath: (path) => (this.files.has(path) || this.#directories.has(path) ? path : (this.#onDisk(path) ?? path)),
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
    this.#fs = new SandboxFileSystem(readableRoots([...compilerLibDirectories(), ...config.readableDirectories]));
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
      if (out.length >= MAX_DIAGNOSTICS) break;
      if (ignored.includes(d.code)) continue;
      const inAnswer = d.fileName === undefined || d.fileName === project.answerPath;
      const position = inAnswer && d.fileName !== undefined ? positionOf(lineStarts, d.pos) : { line: 0, column: 0 };
      out.push({
        // TS1xxx are grammar errors even when the checker finds them (a regular expression literal's pattern).
        kind: syntactic.includes(d) || (d.code >= 1000 && d.code < 2000) ? 'syntax' : 'type',
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
  // tsgo's parser recurses per nesting level like any other: refuse absurd nesting before it sees the code.
  const nesting = nestingFailure(request.source, config.maxNestingDepth);
  if (nesting !== undefined) return { diagnostics: [], nesting, workerMs: performance.now() - started };
  const diagnostics = compiler().check(request.language, request.source);
  return { diagnostics, workerMs: performance.now() - started };
}

function start(): void {
  const setupError = compiler().open(config.eagerLanguage);
  if (setupError !== undefined) {
    post({ type: 'config-error', ...setupError });
    return;
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
