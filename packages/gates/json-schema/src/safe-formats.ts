import type { Ajv, Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { RE2JS } from 're2js';
import { spend } from './budget.ts';
import { PATTERN_INPUT_LIMIT } from './safe-pattern.ts';

/**
 * The longest string each format is checked on; a longer one fails the format. Set where ajv-formats'
 * check grows faster than the length (measured on hostile strings: `url` about cubically, `date-time`,
 * `iso-date-time`, `regex`, `json-pointer` and `email` quadratically or worse) and well above any valid
 * value. Formats measured linear (`uri`, `uri-reference`, `uri-template`, `byte`) have no cap.
 */
export const FORMAT_LENGTH_LIMITS: Readonly<Record<string, number>> = {
  date: 64,
  time: 64,
  'date-time': 128,
  'iso-time': 64,
  'iso-date-time': 128,
  duration: 128,
  email: 320,
  hostname: 255,
  ipv4: 64,
  ipv6: 128,
  uuid: 64,
  regex: 1024,
  'json-pointer': 4096,
  'json-pointer-uri-fragment': 4096,
  'relative-json-pointer': 4096,
  url: PATTERN_INPUT_LIMIT,
};

// ajv-formats' `url` pattern without its three negative lookaheads (which RE2 cannot run), so it runs in
// linear time; the dotted-IPv4 host is captured and the ranges the lookaheads excluded are refused after.
const URL_RE2 = RE2JS.compile(
  '^(?i:https?|ftp)://(?:\\S+(?::\\S*)?@)?(?:((?:[1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3])(?:\\.(?:1?\\d{1,2}|2[0-4]\\d|25[0-5])){2}(?:\\.(?:[1-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-4])))|(?:(?:[a-zA-Z0-9\\x{a1}-\\x{ffff}]+-)*[a-zA-Z0-9\\x{a1}-\\x{ffff}]+)(?:\\.(?:[a-zA-Z0-9\\x{a1}-\\x{ffff}]+-)*[a-zA-Z0-9\\x{a1}-\\x{ffff}]+)*(?:\\.(?:[a-zA-Z\\x{a1}-\\x{ffff}]{2,})))(?::\\d{2,5})?(?:/\\S*)?$',
);
const PRIVATE_IPV4 =
  /^(?:(?:10|127)(?:\.\d{1,3}){3}|(?:169\.254|192\.168)(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[0-1])(?:\.\d{1,3}){2})/;

/** `url` as ajv-formats defines it (http, https or ftp, public host), in linear time. */
export function isUrl(value: string): boolean {
  const matcher = URL_RE2.matcher(value);
  if (!matcher.find()) return false;
  const ipv4 = matcher.group(1);
  return ipv4 === null || ipv4 === undefined || !PRIVATE_IPV4.test(ipv4);
}

type StringCheck = (value: string) => boolean;

function checkOf(format: Format): StringCheck | undefined {
  if (typeof format === 'function') return format as StringCheck;
  if (format instanceof RegExp) return (value) => format.test(value);
  if (typeof format === 'object' && format !== null && 'validate' in format) {
    if ((format as { type?: string }).type !== undefined && (format as { type?: string }).type !== 'string') {
      return undefined;
    }
    const validate = format.validate;
    if (validate instanceof RegExp) return (value) => validate.test(value);
    if (typeof validate === 'function') return validate as StringCheck;
  }
  return undefined;
}

function bounded(name: string, check: StringCheck): StringCheck {
  const limit = FORMAT_LENGTH_LIMITS[name];
  return (value) => {
    spend(Math.min(value.length, limit ?? value.length));
    if (limit !== undefined && value.length > limit) return false;
    return check(value);
  };
}

const checks = new Map<string, StringCheck | undefined>();

/** The bounded check of one format, as `addSafeFormats` installs it; undefined for a format it lacks. */
export function safeFormatCheck(name: string): StringCheck | undefined {
  if (!checks.has(name)) {
    const format = (fullFormats as Record<string, Format | undefined>)[name];
    const check = name === 'url' ? isUrl : format === undefined ? undefined : checkOf(format);
    checks.set(name, check === undefined ? undefined : bounded(name, check));
  }
  return checks.get(name);
}

/**
 * Adds ajv-formats' full formats to an instance, each behind a length cap and the validation budget, with
 * `url` replaced by a linear-time check, so no string up to the size cap can stall a format check.
 */
export function addSafeFormats(ajv: Ajv): void {
  for (const [name, format] of Object.entries(fullFormats)) {
    const check = safeFormatCheck(name);
    if (check === undefined) {
      ajv.addFormat(name, format);
      continue;
    }
    ajv.addFormat(name, { type: 'string', validate: check });
  }
}
