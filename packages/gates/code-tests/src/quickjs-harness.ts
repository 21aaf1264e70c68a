/**
 * The harness evaluated inside each fresh QuickJS context before the model's code. It is a function
 * expression: the host calls it with a host `write` function and a seed, and gets back the functions it
 * drives the tests with. Everything it needs from the language (Object.is, Reflect.apply, JSON.parse ...)
 * is captured here, before the model's code runs, so an answer that replaces globals or prototypes
 * (`Object.is = () => true`, `Array.prototype.every = ...`) cannot change how `assert` compares. The
 * verdict itself is never computed here: the host reads whether each test threw (or its promise's state)
 * through the engine's C API, which no JavaScript can patch.
 */
export const QUICKJS_HARNESS = String.raw`(function (hostWrite, seed, maxInspect) {
  'use strict';
  const G = globalThis;
  const ReflectApply = Reflect.apply;
  const ObjectIs = Object.is;
  const ObjectKeys = Object.keys;
  const ObjectFreeze = Object.freeze;
  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const ObjectDefineProperty = Object.defineProperty;
  const ObjectPrototype = Object.prototype;
  const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const ObjectPrototypeToString = Object.prototype.toString;
  const ObjectPrototypeHasOwnProperty = Object.prototype.hasOwnProperty;
  const ObjectPrototypePropertyIsEnumerable = Object.prototype.propertyIsEnumerable;
  const ArrayIsArray = Array.isArray;
  const ArrayPrototypePush = Array.prototype.push;
  const ArrayPrototypeJoin = Array.prototype.join;
  const JSONParse = JSON.parse;
  const JSONStringify = JSON.stringify;
  const StringCtor = String;
  const StringPrototypeSlice = String.prototype.slice;
  const NumberIsNaN = Number.isNaN;
  const MathImul = Math.imul;
  const MapCtor = Map;
  const SetCtor = Set;
  const MapPrototypeGet = Map.prototype.get;
  const MapPrototypeSet = Map.prototype.set;
  const MapPrototypeHas = Map.prototype.has;
  const MapPrototypeDelete = Map.prototype.delete;
  const MapPrototypeEntries = Map.prototype.entries;
  const MapIteratorNext = ObjectGetPrototypeOf(new Map().entries()).next;
  const SetPrototypeHas = Set.prototype.has;
  const SetPrototypeAdd = Set.prototype.add;
  const SetPrototypeValues = Set.prototype.values;
  const SetIteratorNext = ObjectGetPrototypeOf(new Set().values()).next;
  const MapSizeGetter = ObjectGetOwnPropertyDescriptor(Map.prototype, 'size').get;
  const SetSizeGetter = ObjectGetOwnPropertyDescriptor(Set.prototype, 'size').get;
  const DatePrototypeGetTime = Date.prototype.getTime;
  const RegExpPrototypeToString = RegExp.prototype.toString;
  const RegExpPrototypeTest = RegExp.prototype.test;
  const ReflectConstruct = Reflect.construct;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RealDate = Date;
  const call = (fn, self, ...args) => ReflectApply(fn, self, args);
  const tagOf = (value) => call(ObjectPrototypeToString, value);

  function iterate(iterator, next) {
    const out = [];
    for (;;) {
      const step = call(next, iterator);
      if (step.done) return out;
      call(ArrayPrototypePush, out, step.value);
    }
  }
  const mapEntries = (map) => iterate(call(MapPrototypeEntries, map), MapIteratorNext);
  const setValues = (set) => iterate(call(SetPrototypeValues, set), SetIteratorNext);
  const isMap = (v) => { try { call(MapSizeGetter, v); return true; } catch { return false; } };
  const isSet = (v) => { try { call(SetSizeGetter, v); return true; } catch { return false; } };
  const isDate = (v) => { try { call(DatePrototypeGetTime, v); return true; } catch { return false; } };

  // A bounded, side-effect-light rendering for assertion messages: own enumerable properties only, read
  // with captured functions, cut at maxInspect characters.
  function inspect(value, depth, budget) {
    if (budget.left <= 0) return '...';
    let text;
    const type = typeof value;
    if (value === null) text = 'null';
    else if (type === 'undefined') text = 'undefined';
    else if (type === 'string') text = JSONStringify(value);
    else if (type === 'number') text = ObjectIs(value, -0) ? '-0' : StringCtor(value);
    else if (type === 'bigint') text = StringCtor(value) + 'n';
    else if (type === 'boolean') text = value ? 'true' : 'false';
    else if (type === 'symbol') text = 'Symbol()';
    else if (type === 'function') text = '[Function]';
    else if (depth > 6) text = ArrayIsArray(value) ? '[Array]' : '[Object]';
    else if (ArrayIsArray(value)) {
      const parts = [];
      for (let i = 0; i < value.length && budget.left > 0; i += 1) call(ArrayPrototypePush, parts, inspect(value[i], depth + 1, budget));
      if (parts.length < value.length) call(ArrayPrototypePush, parts, '...');
      text = '[' + call(ArrayPrototypeJoin, parts, ', ') + ']';
    } else if (isMap(value)) {
      const parts = [];
      const entries = mapEntries(value);
      for (let i = 0; i < entries.length; i += 1) call(ArrayPrototypePush, parts, inspect(entries[i][0], depth + 1, budget) + ' => ' + inspect(entries[i][1], depth + 1, budget));
      text = 'Map(' + call(ArrayPrototypeJoin, parts, ', ') + ')';
    } else if (isSet(value)) {
      const parts = [];
      const values = setValues(value);
      for (let i = 0; i < values.length; i += 1) call(ArrayPrototypePush, parts, inspect(values[i], depth + 1, budget));
      text = 'Set(' + call(ArrayPrototypeJoin, parts, ', ') + ')';
    } else if (isDate(value)) {
      text = 'Date(' + StringCtor(call(DatePrototypeGetTime, value)) + ')';
    } else if (tagOf(value) === '[object RegExp]') {
      text = call(RegExpPrototypeToString, value);
    } else if (tagOf(value) === '[object Error]') {
      text = '[Error]';
    } else {
      const parts = [];
      const keys = ObjectKeys(value);
      for (let i = 0; i < keys.length && budget.left > 0; i += 1) {
        call(ArrayPrototypePush, parts, JSONStringify(keys[i]) + ': ' + inspect(value[keys[i]], depth + 1, budget));
      }
      text = '{' + call(ArrayPrototypeJoin, parts, ', ') + '}';
    }
    budget.left -= text.length;
    return text;
  }
  const show = (value) => {
    const text = inspect(value, 0, { left: maxInspect });
    return text.length > maxInspect ? call(StringPrototypeSlice, text, 0, maxInspect) + '...' : text;
  };

  // Node's assert semantics: loose (==, prototypes ignored) and strict (Object.is, prototypes compared).
  function deepEqual(a, b, strict, memo) {
    const objectA = typeof a === 'object' && a !== null;
    const objectB = typeof b === 'object' && b !== null;
    // Loose == only between primitives (as Node does): [1] == 1 would call the object's valueOf.
    if (!objectA || !objectB) {
      if (strict) return ObjectIs(a, b);
      return !objectA && !objectB && (a == b || (NumberIsNaN(a) && NumberIsNaN(b)));
    }
    if (a === b) return true;
    if (strict && ObjectGetPrototypeOf(a) !== ObjectGetPrototypeOf(b)) return false;
    if (tagOf(a) !== tagOf(b)) return false;
    if (memo.depth > 200) throw new TypeErrorCtor('the values are nested too deeply to compare');
    // Pairs being compared further up: meeting one again is a cycle, taken as equal. A pair is
    // forgotten once its comparison ends, so a failed comparison is never remembered as a match.
    const seenA = call(MapPrototypeGet, memo.pairs, a);
    if (seenA !== undefined && seenA === b) return true;
    call(MapPrototypeSet, memo.pairs, a, b);
    memo.depth += 1;
    try {
      if (isDate(a)) return isDate(b) && ObjectIs(call(DatePrototypeGetTime, a), call(DatePrototypeGetTime, b));
      if (tagOf(a) === '[object RegExp]') return call(RegExpPrototypeToString, a) === call(RegExpPrototypeToString, b);
      if (isMap(a)) {
        if (!isMap(b) || call(MapSizeGetter, a) !== call(MapSizeGetter, b)) return false;
        return entriesMatch(mapEntries(a), mapEntries(b), (k) => call(MapPrototypeHas, b, k), (k) => call(MapPrototypeGet, b, k), strict, memo);
      }
      if (isSet(a)) {
        if (!isSet(b) || call(SetSizeGetter, a) !== call(SetSizeGetter, b)) return false;
        const pairs = (set) => { const values = setValues(set); const out = []; for (let i = 0; i < values.length; i += 1) call(ArrayPrototypePush, out, [values[i], true]); return out; };
        return entriesMatch(pairs(a), pairs(b), (k) => call(SetPrototypeHas, b, k), () => true, strict, memo);
      }
      if (ArrayIsArray(a) !== ArrayIsArray(b)) return false;
      const keysA = ObjectKeys(a);
      const keysB = ObjectKeys(b);
      if (keysA.length !== keysB.length) return false;
      for (let i = 0; i < keysA.length; i += 1) {
        const key = keysA[i];
        if (!call(ObjectPrototypeHasOwnProperty, b, key) || !call(ObjectPrototypePropertyIsEnumerable, b, key)) return false;
        if (!deepEqual(a[key], b[key], strict, memo)) return false;
      }
      return true;
    } finally {
      memo.depth -= 1;
      if (seenA === undefined) call(MapPrototypeDelete, memo.pairs, a);
      else call(MapPrototypeSet, memo.pairs, a, seenA);
    }
  }
  // Node's Map/Set rule: a primitive key matches the same key; an object key (or, in loose mode, a
  // primitive with no exact match) matches any one unused key of the other side that is deep-equal, with a
  // deep-equal value. Each entry of b is used at most once.
  function entriesMatch(entriesA, entriesB, hasB, getB, strict, memo) {
    const used = new SetCtor();
    const pending = [];
    for (let i = 0; i < entriesA.length; i += 1) {
      const k = entriesA[i][0];
      const isObject = (typeof k === 'object' && k !== null) || typeof k === 'function';
      if (!isObject && hasB(k) && deepEqual(entriesA[i][1], getB(k), strict, memo)) { call(SetPrototypeAdd, used, k); continue; }
      if (!isObject && strict) return false;
      call(ArrayPrototypePush, pending, entriesA[i]);
    }
    for (let i = 0; i < pending.length; i += 1) {
      let found = false;
      for (let j = 0; j < entriesB.length; j += 1) {
        const kb = entriesB[j][0];
        if (call(SetPrototypeHas, used, kb)) continue;
        if (deepEqual(pending[i][0], kb, strict, memo) && deepEqual(pending[i][1], entriesB[j][1], strict, memo)) {
          call(SetPrototypeAdd, used, kb);
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
  const isDeepEqual = (a, b, strict) => deepEqual(a, b, strict, { pairs: new MapCtor(), depth: 0 });

  class AssertionError extends ErrorCtor {
    constructor(options) {
      super(options.message);
      ObjectDefineProperty(this, 'name', { value: 'AssertionError', enumerable: false });
      this.actual = options.actual;
      this.expected = options.expected;
      this.operator = options.operator;
      this.generatedMessage = !options.userMessage;
    }
  }
  function fail(actual, expected, message, operator, label) {
    if (message instanceof ErrorCtor) throw message;
    const text = message !== undefined
      ? StringCtor(message)
      : label + '\n\n  actual: ' + show(actual) + '\nexpected: ' + show(expected);
    throw new AssertionError({ message: text, actual, expected, operator, userMessage: message !== undefined });
  }
  function errorMatches(error, expected) {
    if (expected === undefined) return true;
    if (typeof expected === 'function') {
      if (expected.prototype !== undefined && error instanceof expected) return true;
      if (ErrorCtor === expected || ObjectGetPrototypeOf(expected.prototype ?? {}) === ErrorCtor.prototype) return false;
      return call(expected, undefined, error) === true;
    }
    if (tagOf(expected) === '[object RegExp]') return call(RegExpPrototypeTest, expected, StringCtor(error));
    if (typeof expected === 'object' && expected !== null) {
      const keys = ObjectKeys(expected);
      for (let i = 0; i < keys.length; i += 1) if (!isDeepEqual(error?.[keys[i]], expected[keys[i]], true)) return false;
      return true;
    }
    return false;
  }
  function makeAssert(strictMode) {
    const eq = (a, b) => (strictMode ? ObjectIs(a, b) : a == b || (NumberIsNaN(a) && NumberIsNaN(b)));
    const ok = function ok(value, message) {
      if (!value) fail(value, true, message, '==', 'The expression evaluated to a falsy value');
    };
    const assert = function assert(value, message) { ok(value, message); };
    assert.ok = ok;
    assert.equal = (a, b, m) => { if (!eq(a, b)) fail(a, b, m, strictMode ? 'strictEqual' : '==', 'Expected values to be ' + (strictMode ? 'strictly ' : 'loosely ') + 'equal:'); };
    assert.notEqual = (a, b, m) => { if (eq(a, b)) fail(a, b, m, '!=', 'Expected values to differ:'); };
    assert.strictEqual = (a, b, m) => { if (!ObjectIs(a, b)) fail(a, b, m, 'strictEqual', 'Expected values to be strictly equal:'); };
    assert.notStrictEqual = (a, b, m) => { if (ObjectIs(a, b)) fail(a, b, m, 'notStrictEqual', 'Expected values to differ (strictly):'); };
    assert.deepEqual = (a, b, m) => { if (!isDeepEqual(a, b, strictMode)) fail(a, b, m, strictMode ? 'deepStrictEqual' : 'deepEqual', 'Expected values to be ' + (strictMode ? 'strictly ' : 'loosely ') + 'deep-equal:'); };
    assert.notDeepEqual = (a, b, m) => { if (isDeepEqual(a, b, strictMode)) fail(a, b, m, 'notDeepEqual', 'Expected values not to be deep-equal:'); };
    assert.deepStrictEqual = (a, b, m) => { if (!isDeepEqual(a, b, true)) fail(a, b, m, 'deepStrictEqual', 'Expected values to be strictly deep-equal:'); };
    assert.notDeepStrictEqual = (a, b, m) => { if (isDeepEqual(a, b, true)) fail(a, b, m, 'notDeepStrictEqual', 'Expected values not to be strictly deep-equal:'); };
    assert.fail = (m) => fail(undefined, undefined, m ?? 'Failed', 'fail', 'Failed');
    assert.throws = (fn, expected, m) => {
      if (typeof expected === 'string') { m = expected; expected = undefined; }
      let threw = false;
      let error;
      try { call(fn, undefined); } catch (e) { threw = true; error = e; }
      if (!threw) fail(undefined, expected, m, 'throws', 'Missing expected exception.');
      if (!errorMatches(error, expected)) throw error;
    };
    assert.doesNotThrow = (fn, m) => {
      try { call(fn, undefined); } catch (e) { fail(e, undefined, m, 'doesNotThrow', 'Got unwanted exception: ' + show(e?.message ?? e)); }
    };
    assert.match = (s, re, m) => { if (!call(RegExpPrototypeTest, re, s)) fail(s, re, m, 'match', 'The input did not match the regular expression:'); };
    assert.AssertionError = AssertionError;
    return assert;
  }
  const looseAssert = makeAssert(false);
  const strictAssert = makeAssert(true);
  looseAssert.strict = strictAssert;
  strictAssert.strict = strictAssert;
  const asserts = [looseAssert, strictAssert];
  for (let i = 0; i < asserts.length; i += 1) {
    const keys = ObjectKeys(asserts[i]);
    for (let j = 0; j < keys.length; j += 1) if (keys[j] !== 'strict') ObjectFreeze(asserts[i][keys[j]]);
    ObjectFreeze(asserts[i]);
  }
  const requireModule = function require(name) {
    const id = StringCtor(name);
    if (id === 'assert' || id === 'node:assert') return looseAssert;
    if (id === 'assert/strict' || id === 'node:assert/strict') return strictAssert;
    throw new ErrorCtor("Cannot find module '" + id + "': only 'assert' is available in the sandbox");
  };
  ObjectFreeze(requireModule);

  // Output goes to the host, which counts it and stops the run past the output limit.
  const render = (args) => {
    const parts = [];
    for (let i = 0; i < args.length; i += 1) {
      const a = args[i];
      call(ArrayPrototypePush, parts, typeof a === 'string' ? a : show(a));
    }
    return call(ArrayPrototypeJoin, parts, ' ') + '\n';
  };
  const log = (...args) => { hostWrite(render(args)); };
  const define = (target, key, value) => ObjectDefineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
  define(G, 'console', { log, info: log, warn: log, error: log, debug: log, trace: log });
  define(G, 'print', log);

  // Determinism: a seeded Math.random (mulberry32) and a clock that starts at a fixed instant and moves
  // one millisecond per reading, so code that waits on time still ends.
  let state = seed >>> 0;
  define(Math, 'random', function random() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = MathImul(t ^ (t >>> 15), t | 1);
    t ^= t + MathImul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  });
  let clock = 1704067200000;
  const now = () => { clock += 1; return clock; };
  function FixedDate(...args) {
    if (!new.target) return new RealDate(now()).toString();
    return ReflectConstruct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  FixedDate.prototype = RealDate.prototype;
  FixedDate.now = now;
  FixedDate.parse = RealDate.parse;
  FixedDate.UTC = RealDate.UTC;
  define(RealDate.prototype, 'constructor', FixedDate);
  define(G, 'Date', FixedDate);

  // Values a test case's entry point returns, as JSON the host compares. Non-JSON values are tagged.
  function encode(value, depth, budget) {
    budget.nodes -= 1;
    if (budget.nodes < 0) throw new TypeErrorCtor('the returned value is too large');
    if (depth > 64) throw new TypeErrorCtor('the returned value is nested too deeply');
    const type = typeof value;
    if (value === null || type === 'string' || type === 'boolean') return value;
    if (type === 'number') {
      if (NumberIsNaN(value)) return { $type: 'NaN' };
      if (value === Infinity) return { $type: 'Infinity' };
      if (value === -Infinity) return { $type: '-Infinity' };
      return value;
    }
    if (type === 'undefined') return { $type: 'undefined' };
    if (type === 'bigint') return { $type: 'bigint', value: StringCtor(value) };
    if (type === 'function' || type === 'symbol') return { $type: type };
    if (ArrayIsArray(value)) {
      const out = [];
      for (let i = 0; i < value.length; i += 1) call(ArrayPrototypePush, out, encode(value[i], depth + 1, budget));
      return out;
    }
    if (isMap(value)) {
      const out = [];
      const entries = mapEntries(value);
      for (let i = 0; i < entries.length; i += 1) call(ArrayPrototypePush, out, [encode(entries[i][0], depth + 1, budget), encode(entries[i][1], depth + 1, budget)]);
      return { $type: 'Map', entries: out };
    }
    if (isSet(value)) {
      const out = [];
      const values = setValues(value);
      for (let i = 0; i < values.length; i += 1) call(ArrayPrototypePush, out, encode(values[i], depth + 1, budget));
      return { $type: 'Set', values: out };
    }
    const proto = ObjectGetPrototypeOf(value);
    if (proto !== ObjectPrototype && proto !== null) return { $type: 'object', tag: tagOf(value) };
    const out = {};
    const keys = ObjectKeys(value);
    for (let i = 0; i < keys.length; i += 1) ObjectDefineProperty(out, keys[i], { value: encode(value[keys[i]], depth + 1, budget), writable: true, enumerable: true, configurable: true });
    return out;
  }

  return ObjectFreeze({
    callCase(fn, argsJson) {
      if (typeof fn !== 'function') throw new TypeErrorCtor('the entry point is not a function');
      return ReflectApply(fn, undefined, JSONParse(argsJson));
    },
    encode(value) {
      return JSONStringify(encode(value, 0, { nodes: 100000 }));
    },
    describeError(error) {
      if (error instanceof ErrorCtor) {
        let name = 'Error';
        let message = '';
        try { name = StringCtor(error.name); } catch {}
        let stack = '';
        try { message = StringCtor(error.message); } catch {}
        try { stack = StringCtor(error.stack); } catch {}
        return JSONStringify({ name, message, stack });
      }
      return JSONStringify({ name: 'thrown value', message: show(error) });
    },
    exportAll(namespace) {
      const keys = ObjectKeys(namespace);
      for (let i = 0; i < keys.length; i += 1) define(G, keys[i], namespace[keys[i]]);
    },
    looseAssert,
    requireModule,
  });
})`;
