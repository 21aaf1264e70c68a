/**
 * Python run once when a Pyodide sandbox boots, before any model code: it imports the modules answers
 * commonly use (so they are part of the snapshot and not re-imported every run), snapshots the
 * interpreter's shared state, and defines `begin`/`end`, which give each run fresh globals with a private
 * copy of the builtins and then undo what the run changed: modules it imported, module attributes it
 * replaced (`math.sqrt = ...`, `builtins.print = ...`), `sys` hooks and the recursion limit.
 *
 * The verdict is not computed here. The host compiles and runs each test with the C functions `compile`
 * and `exec` it captured at boot, and a test passes when that call returns without an exception; case
 * results are converted to JavaScript by Pyodide's C-level conversion and compared outside Python.
 */
export const PYTHON_HARNESS = `
import sys, builtins, random
import math, re, json, collections, itertools, functools, heapq, bisect, string, operator, copy, enum
import datetime, decimal, fractions, statistics, typing, dataclasses, abc, textwrap, unicodedata, array
import time, calendar, _strptime

_MISSING = object()
_PLAIN = (type(None), bool, int, float, str, list, tuple, dict, set, frozenset)


def _plain(value, depth=0):
    t = type(value)
    if t not in _PLAIN:
        return False
    if depth > 64:
        return False
    if t is list or t is tuple or t is set or t is frozenset:
        return all(_plain(v, depth + 1) for v in value)
    if t is dict:
        return all(_plain(k, depth + 1) and _plain(v, depth + 1) for k, v in value.items())
    return True


def _guard(fn, name):
    # A function that returns an object with its own __eq__ ("always equal") would pass any
    # 'assert f(x) == y'; the entry point's results must be plain built-in values.
    def guarded(*args, **kwargs):
        result = fn(*args, **kwargs)
        if not _plain(result):
            raise TypeError(name + ' returned a ' + type(result).__name__ + ', not a plain built-in value')
        return result
    guarded.__name__ = getattr(fn, '__name__', name)
    guarded.__wrapped__ = fn
    return guarded


def begin(seed, recursion_limit):
    random.seed(seed)
    sys.setrecursionlimit(recursion_limit)
    return {'__builtins__': dict(_boot_builtins), '__name__': '__main__', '__doc__': None}


def guard_entry(namespace, name):
    fn = namespace.get(name)
    if not callable(fn):
        return False
    namespace[name] = _guard(fn, name)
    return True


def end():
    for name in list(sys.modules):
        if name not in _boot_modules:
            del sys.modules[name]
    for name, module in _boot_modules.items():
        if sys.modules.get(name, _MISSING) is not module:
            sys.modules[name] = module
    for name, (module, d, snap) in _boot_dicts.items():
        if len(d) != len(snap) or any(d.get(k, _MISSING) is not v for k, v in snap.items()):
            # Key by key, never clear(): a module (sys above all) must not be empty for a moment.
            for k in [k for k in d if k not in snap]:
                del d[k]
            for k, v in snap.items():
                if d.get(k, _MISSING) is not v:
                    d[k] = v
    for k, v in _boot_sys.items():
        if getattr(sys, k, _MISSING) is not v:
            setattr(sys, k, v)
    for k, items in _boot_lists.items():
        if _boot_sys[k] != items:
            _boot_sys[k][:] = items
    sys.setrecursionlimit(_boot_recursion)
    sys.settrace(None)
    sys.setprofile(None)


# Taken last, so the harness's own names are part of what every run is restored to.
_boot_builtins = dict(builtins.__dict__)
_boot_modules = dict(sys.modules)
_boot_dicts = {}
for _name, _module in _boot_modules.items():
    _d = getattr(_module, '__dict__', None)
    if type(_d) is dict:
        _boot_dicts[_name] = (_module, _d, dict(_d))
_SYS_KEYS = ('stdout', 'stderr', 'stdin', 'displayhook', 'excepthook', 'breakpointhook', 'meta_path',
             'path_hooks', 'path', 'path_importer_cache')
_boot_sys = {k: getattr(sys, k) for k in _SYS_KEYS if hasattr(sys, k)}
_boot_lists = {k: list(v) for k, v in _boot_sys.items() if type(v) is list}
_boot_recursion = sys.getrecursionlimit()
`;
