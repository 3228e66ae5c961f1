import { compileExpression, EvalScope, ExpressionError } from './expression';
import { hasTemplate, parseTemplate, TemplateSyntaxError } from '@agentry/common';

/** Produces a step's `with` for one attempt: templates evaluated, constants passed through untouched. */
export interface Resolver {
  /** True when nothing inside is a template: `resolve` returns `value` as is. */
  readonly constant: boolean;
  readonly value?: unknown;
  resolve(scope: EvalScope): Promise<unknown>;
}

const constant = (value: unknown): Resolver => ({ constant: true, value, resolve: async () => value });

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function compileString(source: string, where: string): Resolver {
  if (!hasTemplate(source)) return constant(source);
  let parsed;
  try {
    parsed = parseTemplate(source);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw new ExpressionError(err.message, where);
    throw err;
  }
  const exprs = parsed.parts.map((p) => (p.kind === 'expr' ? compileExpression(p.expr, where) : null));
  if (parsed.exact) {
    const only = exprs.find((e) => e !== null)!;
    return { constant: false, resolve: (scope) => only.evaluate(scope) };
  }
  return {
    constant: false,
    async resolve(scope) {
      let out = '';
      for (let i = 0; i < parsed.parts.length; i++) {
        const part = parsed.parts[i];
        out += part.kind === 'text' ? part.text : asText(await exprs[i]!.evaluate(scope));
      }
      return out;
    },
  };
}

/** Compiles every template inside a JSON value (strings, arrays, objects), once per definition version. */
export function compileValue(value: unknown, where: string, skipKeys: readonly string[] = []): Resolver {
  if (typeof value === 'string') return compileString(value, where);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileValue(v, `${where}[${i}]`));
    if (items.every((r) => r.constant)) return constant(value);
    return { constant: false, resolve: (scope) => Promise.all(items.map((r) => r.resolve(scope))) };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([k, v]) => [k, skipKeys.includes(k) ? constant(v) : compileValue(v, `${where}.${k}`)] as const,
    );
    if (entries.every(([, r]) => r.constant)) return constant(value);
    return {
      constant: false,
      async resolve(scope) {
        const out: Record<string, unknown> = {};
        for (const [k, r] of entries) out[k] = r.constant ? r.value : await r.resolve(scope);
        return out;
      },
    };
  }
  return constant(value);
}
