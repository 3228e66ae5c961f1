import { AppError, compileGuardedJsonata } from '@agentry/common';
import type jsonata from 'jsonata';
import { objectSchema, ToolDefinition } from '../tool';

/** `json.transform`: evaluates a JSONata expression against `data`. */
export const jsonTransformTool: ToolDefinition = {
  name: 'json.transform',
  description: 'Evaluate a JSONata expression (https://jsonata.org) against data, e.g. reshape, filter or sum JSON.',
  inputSchema: objectSchema(
    {
      expression: { type: 'string', minLength: 1, maxLength: 10_000, examples: ['$sum(items.price)'] },
      data: { description: 'Any JSON value the expression reads' },
    },
    ['expression'],
  ),
  async execute(args) {
    let expr: jsonata.Expression;
    try {
      // The same guardrails as the engine's expressions: no endless loops, no gigantic sequences, no held event loop.
      expr = compileGuardedJsonata(String(args.expression));
    } catch (err) {
      throw AppError.invalid('Invalid JSONata expression', [{ field: 'arguments.expression', reason: describe(err) }]);
    }
    try {
      const value = await expr.evaluate(args.data ?? null);
      // JSONata sequences and undefined ("no match") become plain JSON.
      return { output: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
    } catch (err) {
      return { output: { error: describe(err) }, isError: true };
    }
  },
};

function describe(err: unknown): string {
  const e = err as { code?: string; position?: number; message?: string };
  return `${e.code ? `${e.code} ` : ''}${typeof e.position === 'number' ? `at ${e.position}: ` : ''}${e.message ?? String(err)}`;
}
