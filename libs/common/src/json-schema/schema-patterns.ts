import { linearPatternProblem } from './linear-regexp';

export interface SchemaPatternProblem {
  /** Dotted path inside the schema (`properties.name.pattern`, `patternProperties.^x-(a)\1$`). */
  path: string;
  reason: string;
}

/** Keywords whose value is a subschema, a list of them, or a map of them (drafts 07 to 2020-12). */
const ONE = [
  'additionalProperties',
  'additionalItems',
  'items',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

/**
 * Every `pattern` and `patternProperties` key of a JSON Schema that the linear engine cannot run, with
 * where it is. Walks only schema positions, so a property called `pattern` or an `enum` value is not
 * read as one. Iterative: a deep schema cannot overflow the stack.
 */
export function unsupportedSchemaPatterns(schema: unknown): SchemaPatternProblem[] {
  const problems: SchemaPatternProblem[] = [];
  const stack: Place[] = [{ node: schema, segments: [], parent: null }];
  const check = (pattern: string, place: Place, ...segments: string[]) => {
    const reason = linearPatternProblem(pattern);
    if (reason)
      problems.push({ path: [...pathOf(place), ...segments].join('.'), reason: `pattern ${JSON.stringify(truncate(pattern))} ${reason}` });
  };
  while (stack.length > 0) {
    const place = stack.pop()!;
    const node = place.node;
    if (!isObject(node)) continue;
    const below = (sub: unknown, ...segments: string[]) => stack.push({ node: sub, segments, parent: place });
    if (typeof node.pattern === 'string') check(node.pattern, place, 'pattern');
    for (const key of ONE) if (isObject(node[key])) below(node[key], key);
    for (const key of LIST) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((item, i) => below(item, key, String(i)));
    }
    for (const key of MAP) {
      const map = node[key];
      if (!isObject(map)) continue;
      for (const [name, sub] of Object.entries(map)) {
        if (key === 'patternProperties') check(name, place, key, name);
        below(sub, key, name);
      }
    }
  }
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A subschema and how its parent reaches it; the path is built only for a problem. */
interface Place {
  node: unknown;
  segments: string[];
  parent: Place | null;
}

function pathOf(place: Place): string[] {
  const out: string[] = [];
  for (let p: Place | null = place; p; p = p.parent) out.unshift(...p.segments);
  return out;
}

function truncate(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
