/**
 * A small XML well-formedness checker for tests: one root element, tags balanced and properly nested,
 * attributes quoted and not repeated, `&` only in known or numeric entities, no `<` in text. Returns the
 * elements found (name and attributes, in document order) or throws with the offset of the first problem.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Text directly inside the element, entities decoded. */
  text: string;
}

const NAME = /^[A-Za-z_:][\w:.-]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);/;

function decode(text: string, offset: number): string {
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    if (!ENTITY.test(text.slice(i))) throw new Error(`bare & at ${offset + i}`);
  }
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function parseXml(source: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let i = 0;
  let roots = 0;
  const text = source.replace(/^<\?xml[^>]*\?>\s*/, '');
  while (i < text.length) {
    const open = text.indexOf('<', i);
    const chunk = open < 0 ? text.slice(i) : text.slice(i, open);
    if (chunk.includes('>')) throw new Error(`stray > at ${i}`);
    if (stack.length === 0 && chunk.trim() !== '') throw new Error(`text outside the root at ${i}`);
    const top = stack[stack.length - 1];
    if (top !== undefined) top.text += decode(chunk, i);
    if (open < 0) break;
    const close = text.indexOf('>', open);
    if (close < 0) throw new Error(`unclosed tag at ${open}`);
    const tag = text.slice(open + 1, close);
    if (tag.startsWith('!--')) {
      const end = text.indexOf('-->', open);
      if (end < 0) throw new Error(`unclosed comment at ${open}`);
      i = end + 3;
      continue;
    }
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const last = stack.pop();
      if (last === undefined || last.name !== name)
        throw new Error(`</${name}> closes <${last?.name ?? 'nothing'}> at ${open}`);
      i = close + 1;
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = NAME.exec(body)?.[0];
    if (name === undefined) throw new Error(`bad tag name at ${open}`);
    const attributes: Record<string, string> = {};
    let rest = body.slice(name.length);
    while (rest.trim() !== '') {
      const match = /^\s+([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/.exec(rest);
      if (match === null)
        throw new Error(`bad attribute in <${name}> at ${open}: ${JSON.stringify(rest.slice(0, 40))}`);
      const key = match[1] as string;
      if (key in attributes) throw new Error(`repeated attribute ${key} in <${name}> at ${open}`);
      attributes[key] = decode(match[2] ?? match[3] ?? '', open);
      rest = rest.slice(match[0].length);
    }
    if (stack.length === 0) {
      roots += 1;
      if (roots > 1) throw new Error(`a second root element at ${open}`);
    }
    const element: XmlElement = { name, attributes, text: '' };
    elements.push(element);
    if (!selfClosing) stack.push(element);
    i = close + 1;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (roots !== 1) throw new Error('no root element');
  return elements;
}
