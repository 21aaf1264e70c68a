// Worst-case blocking of the self-consistency gate on hostile samples at the size cap.
//
// For every extractor and every input pattern (repetitive and random), it votes over `samples` samples
// of at most `bytes` UTF-8 bytes each (each differs from the others in its last character, so keys that
// depend on it differ only at their end and the tally compares them in full) and reports, in ms:
// - `extract`: one call of the extractor on one sample, for the slowest sample: main-thread CPU time
//   averaged over 5 calls, and the fastest wall time of those calls;
// - `slice`: the longest synchronous stretch of `gate.evaluate` (the gate yields to the event loop between
//   large samples), found by timing the gate's setImmediate turns: wall time and CPU time of that stretch,
//   each the least of three votes (the vote least disturbed by other processes);
// - `probe`: the largest lateness of a 1 ms interval timer over the three votes (wall time, so it includes
//   the machine's own noise, printed as `idle` first);
// - `vote`: CPU time of the whole vote, least of three.
// Wall times on a shared machine include time the process waited for a core; CPU time does not. With
// --expose-gc, garbage left by earlier measurements is collected before each one, so a collection inside a
// vote is one the vote's own allocations caused.
// Run from the repository root:
//   node --expose-gc --conditions=source packages/gates/self-consistency/scripts/worst-case.ts [bytes] [samples]
// The defaults are the gate's default cap (DEFAULT_MAX_SAMPLE_BYTES) and 5 samples.
import type { Candidate } from '@llm-cascade/core';
import { gateContext } from '@llm-cascade/core/test';
import {
  type AnswerExtractor,
  answerAfterMarker,
  canonicalJson,
  DEFAULT_MAX_SAMPLE_BYTES,
  lastNumber,
  normalizedCode,
  normalizedText,
  selfConsistencyGate,
} from '@llm-cascade/gate-self-consistency';

const bytes = Number(process.argv[2] ?? DEFAULT_MAX_SAMPLE_BYTES);
const samples = Number(process.argv[3] ?? 5);

const extractors: Record<string, AnswerExtractor<unknown>> = {
  normalizedText: normalizedText(),
  lastNumber: lastNumber(),
  answerAfterMarker: answerAfterMarker(),
  'answerAfterMarker+lastNumber': answerAfterMarker({ read: lastNumber() }),
  'answerAfterMarker(####)': answerAfterMarker({ markers: ['####'], read: lastNumber() }),
  canonicalJson: canonicalJson(),
  'normalizedCode(auto)': normalizedCode(),
  'normalizedCode(c)': normalizedCode({ comments: 'c' }),
  'normalizedCode(hash)': normalizedCode({ comments: 'hash' }),
};

let seed = 12345;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}
function randomFrom(alphabet: readonly string[], length: number): string {
  const out: string[] = [];
  for (let i = 0; i < length; i += 1) out.push(alphabet[Math.floor(random() * alphabet.length)] as string);
  return out.join('');
}

/** `head` then `unit` repeated, then `tail`, cut to `size` characters (all ASCII, so bytes = characters). */
function fill(unit: string, size: number, head = '', tail = ''): string {
  const body = unit.repeat(Math.ceil((size - head.length - tail.length) / unit.length));
  return `${head}${body}`.slice(0, size - tail.length) + tail;
}

const SPECIALS = [...'[]{}"\'\\/*#`.,;!:=0123456789 \n\teE-+$%abcx'];
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).concat(['\n']);

function patterns(size: number): Record<string, string> {
  const nested = (open: string, close: string) => {
    const depth = Math.floor(size / (open.length + close.length)) - 1;
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  };
  return {
    'spaces between letters': fill('a  ', size),
    'blank lines': fill(' \n', size),
    'tabs and spaces': fill('\t \t  ', size),
    'marker then dots': fill('.', size, 'The answer is ', 'x'),
    'marker repeated': fill('the final answer is ', size),
    'marker prefixes': fill('the final answer i', size),
    'hash marker': fill('###', size),
    'open brackets': fill('[', size),
    'open braces': fill('{', size),
    'brackets and braces': fill('[{', size),
    'closed pairs': fill('[]', size),
    'deep array': nested('[', ']'),
    'deep object': nested('{"a":', '}'),
    'flat JSON array': fill('1,', size, '[', '1]'),
    'JSON object, many keys': `{${Array.from({ length: Math.floor(size / 12) }, (_, i) => `"k${i}":${i}`)
      .join(',')
      .slice(0, size - 40)
      .replace(/,[^,]*$/, '')}}`,
    'stray quotes in brackets': fill('["', size),
    'escapes in a string': fill('\\"', size, '["'),
    quotes: fill('"', size),
    backticks: fill('`', size),
    'fence openers': fill('```', size),
    'backticks then one newline': fill('`', size, '', '\n'),
    'fence with long info': fill('a', size, '```'),
    'line comments (c)': fill('//', size, '```ts\n'),
    'block comment openers': fill('/*', size, '```ts\n'),
    'hash comments': fill('#', size, '```python\n'),
    'triple quotes': fill("'''", size, '```python\n'),
    'unterminated triple quote': fill('a', size, '```python\n"""'),
    'template literal': fill('a', size, '```ts\n`'),
    'single quotes and newlines': fill("'\n", size, '```python\n'),
    'thousands commas': fill('1,', size),
    'decimal points': fill('1.', size),
    fractions: fill('1/', size),
    'spaced fractions': fill('1 / ', size),
    digits: fill('9', size),
    exponents: fill('1e', size),
    'signed numbers': fill('-1 ', size),
    'currency numbers': fill('$1 ', size),
    'random specials': randomFrom(SPECIALS, size),
    'random printable': randomFrom(PRINTABLE, size),
    'random specials in a ts fence': `\`\`\`ts\n${randomFrom(SPECIALS, size - 6)}`,
    'random specials in a python fence': `\`\`\`python\n${randomFrom(SPECIALS, size - 10)}`,
  };
}

/** Samples that differ only in their last character, so none agree and the tally compares them whole. */
function samplesOf(text: string): Candidate[] {
  return Array.from({ length: samples }, (_, i) => ({
    text: text.slice(0, -1) + String.fromCharCode(48 + (i % 10)),
    finishReason: 'stop' as const,
  }));
}

function probe(): { stop(): number } {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 1);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(worst, performance.now() - last - 1);
    },
  };
}

const sleep = (ms: number) => new Promise((settle) => setTimeout(settle, ms));

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function cpuNow(): number {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}

interface Stretch {
  wall: number;
  cpu: number;
}

/** Runs the vote and times each synchronous stretch of it, split where the gate calls setImmediate. */
async function timeSlices(run: () => unknown): Promise<{ longest: Stretch; vote: number }> {
  const original = globalThis.setImmediate;
  let wallStart = performance.now();
  let cpuStart = cpuNow();
  const voteStart = cpuStart;
  const longest: Stretch = { wall: 0, cpu: 0 };
  const close = () => {
    longest.wall = Math.max(longest.wall, performance.now() - wallStart);
    longest.cpu = Math.max(longest.cpu, cpuNow() - cpuStart);
  };
  globalThis.setImmediate = ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    close();
    return original(() => {
      wallStart = performance.now();
      cpuStart = cpuNow();
      callback(...args);
    });
  }) as typeof setImmediate;
  try {
    await run();
    close();
  } finally {
    globalThis.setImmediate = original;
  }
  return { longest, vote: cpuNow() - voteStart };
}

interface Row {
  extractor: string;
  pattern: string;
  extractCpu: number;
  extractWall: number;
  slice: Stretch;
  probe: number;
  vote: number;
}

function print(row: Row): void {
  const f = (value: number) => value.toFixed(1).padStart(6);
  console.log(
    `  ${row.extractor.padEnd(29)} ${row.pattern.padEnd(34)} extract ${f(row.extractCpu)} cpu ${f(row.extractWall)} wall` +
      `  slice ${f(row.slice.cpu)} cpu ${f(row.slice.wall)} wall  probe ${f(row.probe)}  vote ${f(row.vote)} cpu`,
  );
}

async function main(): Promise<void> {
  const idle = probe();
  await sleep(1000);
  console.log(`idle probe max: ${idle.stop().toFixed(1)} ms; ${samples} samples of up to ${bytes} bytes each`);
  const rows: Row[] = [];
  const inputs = patterns(bytes);
  for (const [extractorName, extract] of Object.entries(extractors)) {
    const gate = selfConsistencyGate({ samples, extract, maxBytes: bytes, threshold: 0.6, minVotes: 1 });
    for (const [patternName, text] of Object.entries(inputs)) {
      if (Buffer.byteLength(text) > bytes) throw new Error(`${patternName} is over ${bytes} bytes`);
      const candidates = samplesOf(text);
      extract(candidates[0]?.text as string); // warm the JIT
      collectGarbage();
      let extractCpu = 0;
      let extractWall = 0;
      for (const candidate of candidates) {
        let fastest = Number.POSITIVE_INFINITY;
        const cpuStart = cpuNow();
        for (let round = 0; round < 5; round += 1) {
          const start = performance.now();
          extract(candidate.text);
          fastest = Math.min(fastest, performance.now() - start);
        }
        extractCpu = Math.max(extractCpu, (cpuNow() - cpuStart) / 5);
        extractWall = Math.max(extractWall, fastest);
      }
      const slice: Stretch = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
      let vote = Number.POSITIVE_INFINITY;
      let lateness = 0;
      for (let round = 0; round < 3; round += 1) {
        collectGarbage();
        await sleep(5);
        const stall = probe();
        const timed = await timeSlices(() => gate.evaluate(gateContext({ candidates })));
        await sleep(3);
        lateness = Math.max(lateness, stall.stop());
        slice.wall = Math.min(slice.wall, timed.longest.wall);
        slice.cpu = Math.min(slice.cpu, timed.longest.cpu);
        vote = Math.min(vote, timed.vote);
      }
      rows.push({
        extractor: extractorName,
        pattern: patternName,
        extractCpu,
        extractWall,
        slice,
        probe: lateness,
        vote,
      });
    }
  }
  const top = (key: (row: Row) => number, label: string) => {
    console.log(`worst 8 by ${label}:`);
    for (const row of [...rows].sort((a, b) => key(b) - key(a)).slice(0, 8)) print(row);
  };
  top((row) => row.slice.wall, 'slice wall time');
  top((row) => row.slice.cpu, 'slice CPU');
  top((row) => row.extractCpu, 'single extraction CPU');
  top((row) => row.probe, 'probe (wall, with machine noise)');
  console.log(`${rows.length} combinations`);
}

await main();
