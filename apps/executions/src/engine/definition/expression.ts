import { compileGuardedJsonata } from '@agentry/common';
import type jsonata from 'jsonata';

/** What every expression of a run sees (SPEC §3): the input, earlier steps' outputs, and the run. */
export interface EvalScope {
  input: unknown;
  steps: Record<string, { output: unknown; status: string }>;
  run: Record<string, unknown>;
}

/** An expression that failed to compile or to evaluate; `where` names its place in the definition. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly where: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export interface CompiledExpression {
  source: string;
  evaluate(scope: EvalScope): Promise<unknown>;
}

function describe(err: unknown): string {
  const e = err as { code?: string; position?: number; message?: string };
  const at = typeof e.position === 'number' ? ` at position ${e.position}` : '';
  return `JSONata${e.code ? ` ${e.code}` : ''}${at}: ${e.message ?? String(err)}`;
}

export function compileExpression(source: string, where: string): CompiledExpression {
  let expr: jsonata.Expression;
  try {
    // Guardrails: a user expression cannot spin a worker forever, build a gigantic sequence or hold the event loop.
    expr = compileGuardedJsonata(source);
  } catch (err) {
    throw new ExpressionError(describe(err), where);
  }
  return {
    source,
    async evaluate(scope: EvalScope): Promise<unknown> {
      try {
        return toPlain(await expr.evaluate(scope));
      } catch (err) {
        throw new ExpressionError(describe(err), where);
      }
    },
  };
}

/**
 * JSONata results as plain JSON values: sequences become arrays, functions and undefined become
 * null (undefined at the top means "no match"), so outputs store and compare like JSON.
 */
export function toPlain(value: unknown): unknown {
  if (value === undefined || typeof value === 'function') return null;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toPlain(value[i]);
    return out;
  }
  if (value !== null && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') out[k] = toPlain(v);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}
