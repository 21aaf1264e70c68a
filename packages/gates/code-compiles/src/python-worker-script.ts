/**
 * The Python side of the Python checker, run with `python -I -S -c`. It reads one JSON request a line
 * ({"id", "source"}) and answers one JSON line each. It only ever calls `compile()`, which parses and
 * compiles to bytecode without running anything: the bytecode is dropped, never executed. There is no
 * request that makes it do anything else.
 *
 * argv[1] is an address-space cap in bytes (0 for none), applied with setrlimit so a huge answer fails
 * with MemoryError instead of swapping the machine.
 */
export const PYTHON_WORKER_SCRIPT = String.raw`
import json, sys, warnings
def _cap(limit):
    if limit <= 0:
        return
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except Exception:
        pass
def _check(source):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            compile(source, '<answer>', 'exec', dont_inherit=True)
            answer = {'ok': True}
        except SyntaxError as error:
            answer = {'ok': False, 'kind': 'syntax', 'type': type(error).__name__, 'message': str(error.msg),
                      'line': error.lineno or 0, 'column': error.offset or 0}
        except MemoryError:
            answer = {'ok': False, 'kind': 'memory', 'type': 'MemoryError', 'message': 'out of memory while compiling'}
        except (RecursionError, ValueError, OverflowError) as error:
            answer = {'ok': False, 'kind': 'syntax', 'type': type(error).__name__, 'message': str(error)[:500],
                      'line': 0, 'column': 0}
    answer['warnings'] = [{'type': w.category.__name__, 'message': str(w.message)[:500], 'line': w.lineno or 0}
                          for w in caught[:20]]
    return answer
def _main():
    _cap(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    out = sys.stdout
    out.write('{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        request_id = None
        try:
            request = json.loads(line)
            request_id = request['id']
            source = request['source']
            if not isinstance(source, str):
                raise TypeError('source must be a string')
            answer = _check(source)
        except MemoryError:
            answer = {'ok': False, 'kind': 'memory', 'type': 'MemoryError', 'message': 'out of memory while compiling'}
        except Exception as error:
            answer = {'ok': False, 'kind': 'protocol', 'type': type(error).__name__, 'message': str(error)[:500]}
        answer['id'] = request_id
        out.write(json.dumps(answer) + '\n')
        out.flush()
_main()
`;
