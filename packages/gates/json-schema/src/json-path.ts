const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Renders a path as a model reads it best: `$.items[0].name`, with odd keys quoted (`$["first name"]`).
 * Keys come from model output, so each is cut short; a path is for a prompt, not for lookup.
 */
export function formatPath(segments: readonly (string | number | symbol)[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') {
      path += `[${segment}]`;
    } else if (typeof segment === 'symbol') {
      path += `[${String(segment)}]`;
    } else if (IDENTIFIER.test(segment)) {
      path += `.${segment.length > 60 ? `${segment.slice(0, 60)}…` : segment}`;
    } else {
      path += `[${JSON.stringify(segment.length > 60 ? `${segment.slice(0, 60)}…` : segment)}]`;
    }
  }
  return path;
}

/** Splits an ajv `instancePath` (a JSON Pointer) into segments; array indices become numbers. */
export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
      return /^(0|[1-9]\d{0,8})$/.test(segment) ? Number(segment) : segment;
    });
}
