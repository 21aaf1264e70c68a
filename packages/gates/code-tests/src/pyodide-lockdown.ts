/**
 * What a Pyodide sandbox thread removes from its own JavaScript realm, so that Python code that reaches
 * JavaScript (`import js`, `pyodide_js`, `pyodide.ffi`) finds nothing of the host: no `process`, no
 * `require`, no network, no timers, no clock or randomness it was not given.
 */

// ECMAScript's own globals, plus WebAssembly and the text codecs Pyodide's runtime needs. Everything
// else on a Node worker's global object (process, Buffer, fetch, WebSocket, console, timers, crypto,
// performance, navigator, BroadcastChannel, MessageChannel ...) is deleted before Pyodide loads.
const KEPT_GLOBALS = new Set([
  'globalThis',
  'Object',
  'Function',
  'Array',
  'Number',
  'parseFloat',
  'parseInt',
  'Infinity',
  'NaN',
  'undefined',
  'Boolean',
  'String',
  'Symbol',
  'Date',
  'Promise',
  'RegExp',
  'Error',
  'AggregateError',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'SuppressedError',
  'JSON',
  'Math',
  'Intl',
  'ArrayBuffer',
  'Atomics',
  'Uint8Array',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'Uint8ClampedArray',
  'BigUint64Array',
  'BigInt64Array',
  'DataView',
  'Map',
  'BigInt',
  'Set',
  'WeakMap',
  'WeakSet',
  'Proxy',
  'Reflect',
  'FinalizationRegistry',
  'WeakRef',
  'Iterator',
  'DisposableStack',
  'AsyncDisposableStack',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'escape',
  'unescape',
  'eval',
  'isFinite',
  'isNaN',
  'SharedArrayBuffer',
  'WebAssembly',
  'TextEncoder',
  'TextDecoder',
]);

/** Deletes every global not in the allow-list; returns the names it could not remove. */
export function stripGlobals(): string[] {
  const stuck: string[] = [];
  for (const key of Reflect.ownKeys(globalThis)) {
    if (typeof key === 'string' && KEPT_GLOBALS.has(key)) continue;
    if (!Reflect.deleteProperty(globalThis, key)) {
      // A non-configurable global: make it useless if it is writable, else report it.
      try {
        (globalThis as Record<PropertyKey, unknown>)[key] = undefined;
      } catch {
        // Fall through to the check below.
      }
      if ((globalThis as Record<PropertyKey, unknown>)[key] !== undefined) stuck.push(String(key));
    }
  }
  return stuck;
}

/** A clock that starts at a fixed instant and advances one millisecond per reading. */
export interface DeterministicClock {
  reset(): void;
  /** Fills bytes from the seeded generator (the same stream `crypto.getRandomValues` reads). */
  fill(bytes: Uint8Array): void;
}

/**
 * Replaces the realm's sources of time and randomness with deterministic ones that `reset()` rewinds
 * before each run: `Date` (no-argument construction and `Date.now`), `performance.now`,
 * `crypto.getRandomValues` (which seeds Python's `os.urandom` and `random`) and `Math.random`.
 */
export function installDeterminism(seed: number): DeterministicClock {
  const epoch = 1_704_067_200_000;
  let ticks = 0;
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const RealDate = Date;
  const now = () => {
    ticks += 1;
    return epoch + ticks;
  };
  const FixedDate = function FixedDate(this: unknown, ...args: unknown[]) {
    if (new.target === undefined) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  } as unknown as DateConstructor;
  Object.defineProperties(FixedDate, {
    prototype: { value: RealDate.prototype },
    now: { value: now },
    parse: { value: RealDate.parse },
    UTC: { value: RealDate.UTC },
  });
  const define = (key: string, value: unknown) =>
    Object.defineProperty(globalThis, key, { value, writable: false, configurable: false, enumerable: false });
  define('Date', FixedDate);
  define('performance', Object.freeze({ now: () => ticks, timeOrigin: epoch }));
  const fill = (bytes: Uint8Array) => {
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = next() & 0xff;
  };
  define(
    'crypto',
    Object.freeze({
      getRandomValues<T extends ArrayBufferView>(view: T): T {
        fill(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
        return view;
      },
    }),
  );
  Object.defineProperty(Math, 'random', { value: () => next() / 4_294_967_296, writable: false, configurable: false });
  return {
    reset() {
      ticks = 0;
      state = seed >>> 0;
    },
    fill,
  };
}

/**
 * Ends the realm's ability to compile JavaScript from strings: after Pyodide has loaded (its loader
 * builds a few functions with `eval`), `eval` and the function constructors are gone, so no string that
 * Python passes to JavaScript ever becomes code.
 */
export function disableCodeFromStrings(): void {
  Reflect.deleteProperty(globalThis, 'eval');
  const constructors = [
    (() => {}).constructor,
    (async () => {}).constructor,
    function* () {}.constructor,
    async function* () {}.constructor,
  ];
  for (const real of constructors) {
    const prototype = (real as { prototype: object }).prototype;
    // A stand-in with the same prototype: `x instanceof Function` (which Pyodide's runtime uses) still
    // works, while calling it, or reaching it as `fn.constructor`, compiles nothing.
    const standIn = function disabledFunction() {
      throw new EvalError('compiling code from strings is disabled in the sandbox');
    };
    Object.defineProperty(standIn, 'prototype', { value: prototype, writable: false, configurable: false });
    Object.defineProperty(prototype, 'constructor', { value: standIn, writable: false, configurable: false });
    if (real === Function) {
      Object.defineProperty(globalThis, 'Function', { value: standIn, writable: false, configurable: false });
    }
  }
}

/**
 * Caps the WebAssembly memory any module in this realm can grow to: past it `grow` throws, Emscripten's
 * allocator reports failure and Python raises MemoryError. Returns a function that says whether the cap
 * was hit since the last call.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

export function capWebAssemblyMemory(maxBytes: number): () => boolean {
  const wasm = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory } } }).WebAssembly;
  const prototype = wasm.Memory.prototype;
  const realGrow = prototype.grow;
  let hit = false;
  Object.defineProperty(prototype, 'grow', {
    value: function grow(this: WasmMemory, delta: number) {
      if (this.buffer.byteLength + delta * 65_536 > maxBytes) {
        hit = true;
        throw new RangeError('the sandbox memory limit was reached');
      }
      return Reflect.apply(realGrow, this, [delta]);
    },
    writable: false,
    configurable: false,
  });
  return () => {
    const was = hit;
    hit = false;
    return was;
  };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64[(n >> 18) & 63];
    out += BASE64[(n >> 12) & 63];
    out += b === undefined ? '=' : BASE64[(n >> 6) & 63];
    out += c === undefined ? '=' : BASE64[n & 63];
  }
  return out;
}

/**
 * Emscripten's "shell" runtime draws its entropy through `os.system('sh', ['-c', 'head -cN /dev/urandom |
 * base64'])` (a d8 API). This stand-in runs nothing: it answers any such call with N bytes from the seeded
 * generator, so Python's `os.urandom` stays deterministic and no command ever reaches a shell.
 */
export function installShellEntropy(clock: DeterministicClock): void {
  const system = (_command: unknown, args: unknown) => {
    const script = Array.isArray(args) ? String(args[args.length - 1]) : '';
    const length = Number(/head -c(\d+)/.exec(script)?.[1] ?? 0);
    const bytes = new Uint8Array(Math.min(length, 1 << 20));
    clock.fill(bytes);
    return toBase64(bytes);
  };
  Object.defineProperty(globalThis, 'os', {
    value: Object.freeze({ system }),
    writable: false,
    configurable: false,
    enumerable: false,
  });
}
