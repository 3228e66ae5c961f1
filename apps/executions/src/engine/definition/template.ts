/**
 * `{{ expr }}` templates in the strings of a step's `with` (SPEC §3). The same grammar as the agents
 * service's definition validator (apps/agents/src/agents/definition/template-string.ts), which has
 * already rejected malformed templates by the time a run reaches this code.
 */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; expr: string };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** The whole string (ignoring surrounding whitespace) is one `{{ expr }}`: its value keeps its type. */
  exact: boolean;
}

export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

export function hasTemplate(value: string): boolean {
  return value.includes('{{');
}

/** Splits a string into text and expression parts; the closing `}}` is found by scanning the JSONata inside. */
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
    if (!expr) throw new TemplateSyntaxError('empty {{ }} template');
    parts.push({ kind: 'expr', expr });
    pos = close + 2;
  }
  const meaningful = parts.filter((p) => p.kind === 'expr' || p.text.trim() !== '');
  return { parts, exact: meaningful.length === 1 && meaningful[0].kind === 'expr' };
}

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
  throw new TemplateSyntaxError('unterminated {{ template: missing }}');
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
