/**
 * `{{ expr }}` templates inside the strings of a step's `with` (SPEC §3): a string that is exactly one
 * template takes the expression's value; a string mixing text and templates is a string. One grammar for
 * the agents service (validation at write) and the executions service (evaluation at run time).
 */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; expr: string; offset: number };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** The whole string (ignoring surrounding whitespace) is one `{{ expr }}`: its value may be of any type. */
  exact: boolean;
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

export function hasTemplate(value: string): boolean {
  return value.includes('{{');
}

/**
 * Splits a string into text and expression parts. The closing `}}` is found by scanning the JSONata
 * inside, so object constructors (`{{ {"a": {"b": 1}} }}`) and strings containing braces work.
 */
export function parseTemplate(source: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open < 0) {
      parts.push({ kind: 'text', text: source.slice(pos) });
      break;
    }
    if (open > pos) parts.push({ kind: 'text', text: source.slice(pos, open) });
    const close = findClose(source, open + 2);
    const expr = source.slice(open + 2, close).trim();
    if (!expr) throw new TemplateSyntaxError('empty {{ }} template', open);
    parts.push({ kind: 'expr', expr, offset: open });
    pos = close + 2;
  }
  const meaningful = parts.filter((p) => p.kind === 'expr' || p.text.trim() !== '');
  return { parts, exact: meaningful.length === 1 && meaningful[0].kind === 'expr' };
}

/** Index of the `}}` that closes the template whose expression starts at `from`. */
function findClose(s: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < s.length) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipQuoted(s, i, c);
      continue;
    }
    if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      if (end < 0) break;
      i = end + 2;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0 && s[i + 1] === '}') return i;
      if (depth > 0) depth--;
    }
    i++;
  }
  throw new TemplateSyntaxError('unterminated {{ template: missing }}', from - 2);
}

function skipQuoted(s: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === '\\' && quote !== '`') i += 2;
    else if (s[i] === quote) return i + 1;
    else i++;
  }
  return i;
}
