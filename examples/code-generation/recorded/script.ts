// WRITTEN BY HAND FOR THIS EXAMPLE: the tasks and every "model answer" below were written by a person to look
// like what a small and a large model write (a missing cast, Node's `NodeJS.Timeout` in a DOM build, a
// forgotten parenthesis, prose instead of code, an ES2024 method on an ES2023 target). None of it is real
// model output. write-recording.ts turns this file into requests.jsonl and recorded/functions.jsonl.

export interface ScriptedTask {
  readonly id: string;
  /** What the function must do, with its signature. */
  readonly task: string;
  /** Each tier's answers in call order: the first answer, then the answer to a repair. */
  readonly answers: { readonly small: readonly string[]; readonly claude?: readonly string[] };
}

const ts = (code: string): string => `\`\`\`ts\n${code.trim()}\n\`\`\``;

const CSV_TASK = `Write \`toCsv(rows: readonly Record<string, string | number | null>[]): string\`: a header line with the
keys of the first row, then one line per row; null becomes an empty field; fields holding a comma, a double
quote or a line break are quoted, with double quotes doubled. Lines end with \\n and the result has no
trailing newline. An empty array gives an empty string.`;

export const tasks: readonly ScriptedTask[] = [
  {
    id: 'chunk',
    task: 'Write `chunk<T>(items: readonly T[], size: number): T[][]`, which splits items into arrays of `size` items (the last may be shorter). Throw a RangeError when size is not a positive integer.',
    answers: {
      small: [
        ts(`
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be a positive integer');
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}`),
      ],
    },
  },
  {
    id: 'group-by',
    task: 'Write `groupBy<T, K extends PropertyKey>(items: readonly T[], key: (item: T) => K): Record<K, T[]>`, which groups items by the key the function returns, keeping their order within each group.',
    answers: {
      small: [
        // An untyped `{}` cannot be indexed by K, nor returned as Record<K, T[]>.
        ts(`
export function groupBy<T, K extends PropertyKey>(items: readonly T[], key: (item: T) => K): Record<K, T[]> {
  const groups = {};
  for (const item of items) {
    const k = key(item);
    (groups[k] ??= []).push(item);
  }
  return groups;
}`),
        ts(`
export function groupBy<T, K extends PropertyKey>(items: readonly T[], key: (item: T) => K): Record<K, T[]> {
  const groups = {} as Record<K, T[]>;
  for (const item of items) {
    const k = key(item);
    (groups[k] ??= []).push(item);
  }
  return groups;
}`),
      ],
    },
  },
  {
    id: 'parse-duration',
    task: 'Write `parseDuration(text: string): number | undefined`, which reads durations such as "1h30m", "45s" or "250ms" (units h, m, s, ms; whitespace allowed between parts) and returns milliseconds, or undefined when the text is not such a duration.',
    answers: {
      small: [
        // null where the signature promises undefined.
        ts(`
const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

export function parseDuration(text: string): number | undefined {
  const compact = text.replace(/\\s+/g, '');
  let total = 0;
  let matched = '';
  for (const match of compact.matchAll(/(\\d+(?:\\.\\d+)?)(ms|h|m|s)/g)) {
    total += Number(match[1]) * UNITS[match[2]];
    matched += match[0];
  }
  return matched !== '' && matched === compact ? total : null;
}`),
        ts(`
const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

export function parseDuration(text: string): number | undefined {
  const compact = text.replace(/\\s+/g, '');
  let total = 0;
  let matched = '';
  for (const match of compact.matchAll(/(\\d+(?:\\.\\d+)?)(ms|h|m|s)/g)) {
    total += Number(match[1]) * UNITS[match[2]];
    matched += match[0];
  }
  return matched !== '' && matched === compact ? total : undefined;
}`),
      ],
    },
  },
  {
    id: 'debounce',
    task: 'Write `debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): (...args: A) => void` for the browser: calls fn with the latest arguments once no call came for waitMs milliseconds.',
    answers: {
      small: [
        // Node's timer type, in a browser build with no @types/node.
        ts(`
export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): (...args: A) => void {
  let timer: NodeJS.Timeout | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), waitMs);
  };
}`),
        ts(`
export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), waitMs);
  };
}`),
      ],
    },
  },
  {
    id: 'deep-merge',
    task: 'Write `deepMerge<A extends object, B extends object>(a: A, b: B): A & B`, which returns a new object: a copy of a with b merged in; nested plain objects are merged recursively, any other value from b replaces the one in a. Neither argument is modified.',
    answers: {
      small: [
        ts(`
type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepMerge<A extends object, B extends object>(a: A, b: B): A & B {
  const out: A & B = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    out[key] = isPlain(current) && isPlain(value) ? deepMerge(current, value) : value;
  }
  return out;
}`),
        // The repair fixes the indexing but still returns a plain record as A & B.
        ts(`
type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepMerge<A extends object, B extends object>(a: A, b: B): A & B {
  const out: Plain = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    out[key] = isPlain(current) && isPlain(value) ? deepMerge(current, value) : value;
  }
  return out;
}`),
      ],
      claude: [
        ts(`
type PlainObject = { [key: string]: unknown };

/** Only object literals (and Object.create(null)) are merged; arrays, dates and class instances are values. */
function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function deepMerge<A extends object, B extends object>(a: A, b: B): A & B {
  const out: PlainObject = { ...(a as PlainObject) };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  // The merge builds the intersection at run time; the compiler cannot follow the loop.
  return out as A & B;
}`),
      ],
    },
  },
  {
    id: 'to-csv',
    task: CSV_TASK,
    answers: {
      small: [
        // A closing parenthesis short: a syntax error, reported before any type is checked.
        ts(`
export function toCsv(rows: readonly Record<string, string | number | null>[]): string {
  if (rows.length === 0) return '';
  const headers = Object.keys(rows[0]);
  const escape = (value: string | number | null) => {
    const text = value === null ? '' : String(value);
    return /[",\\n\\r]/.test(text) ? \`"\${text.replace(/"/g, '""')}"\` : text;
  };
  const lines = [headers.join(',')];
  for (const row of rows) lines.push(headers.map((header) => escape(row[header])).join(',');
  return lines.join('\\n');
}`),
        // The repair rewrites escape and drops null from its parameter.
        ts(`
export function toCsv(rows: readonly Record<string, string | number | null>[]): string {
  if (rows.length === 0) return '';
  const headers = Object.keys(rows[0]);
  const escape = (value: string | number) => {
    const text = String(value);
    return /[",\\n\\r]/.test(text) ? \`"\${text.replace(/"/g, '""')}"\` : text;
  };
  const lines = [headers.join(',')];
  for (const row of rows) lines.push(headers.map((header) => escape(row[header])).join(','));
  return lines.join('\\n');
}`),
      ],
      claude: [
        // An ES2024 string method, on an ES2023 library.
        ts(`
function field(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (!text.isWellFormed()) text = text.toWellFormed();
  return /[",\\r\\n]/.test(text) ? \`"\${text.replaceAll('"', '""')}"\` : text;
}

export function toCsv(rows: readonly Record<string, string | number | null>[]): string {
  const first = rows[0];
  if (first === undefined) return '';
  const headers = Object.keys(first);
  const lines = [headers.map(field).join(',')];
  for (const row of rows) lines.push(headers.map((header) => field(row[header] ?? null)).join(','));
  return lines.join('\\n');
}`),
        ts(`
function field(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\\r\\n]/.test(text) ? \`"\${text.replaceAll('"', '""')}"\` : text;
}

export function toCsv(rows: readonly Record<string, string | number | null>[]): string {
  const first = rows[0];
  if (first === undefined) return '';
  const headers = Object.keys(first);
  const lines = [headers.map(field).join(',')];
  for (const row of rows) lines.push(headers.map((header) => field(row[header] ?? null)).join(','));
  return lines.join('\\n');
}`),
      ],
    },
  },
  {
    id: 'slugify',
    task: 'Write `slugify(title: string): string`: lower case, accents removed, runs of anything but a-z and 0-9 become one hyphen, no hyphen at either end.',
    answers: {
      small: [
        // Prose, no code block: with its language set, the gate reads an unfenced answer as code.
        `To slugify a title, first normalize it with NFKD so accented letters split into a base letter and a combining mark, then strip the marks with a regular expression over the combining range. Lower-case the result, replace every run of characters outside a-z and 0-9 with a single hyphen, and finally trim hyphens from both ends. This gives URL-safe slugs such as "creme-brulee-recipe".`,
        ts(`
export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\\u0300-\\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}`),
      ],
    },
  },
];
