import { ErrorDetail } from '@agentry/contracts';
import { AppError, compileLinearRegExp, LinearRegExp } from '@agentry/common';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../platforms/platform';

const MAX_CACHED = 500;

/**
 * Patterns run on RE2 (linear time): a server's schema is tenant-controlled input. A pattern RE2 cannot run
 * (zod writes lookaheads into its email regex) is skipped, not the whole schema: the server checks it itself.
 */
const lenientRegExp = Object.assign(
  (pattern: string, flags: string): LinearRegExp => {
    try {
      return compileLinearRegExp(pattern, flags);
    } catch {
      return { test: () => true, toString: () => `/${pattern}/${flags}` } as LinearRegExp;
    }
  },
  { code: 'lenientRegExp' },
);

function pathOf(e: ErrorObject): string[] {
  return e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toDetail(e: ErrorObject): ErrorDetail {
  const params = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  const path = ['arguments', ...pathOf(e)];
  if (e.keyword === 'required') return { field: [...path, params.missingProperty].join('.'), reason: 'is required' };
  if (e.keyword === 'additionalProperties') return { field: [...path, params.additionalProperty].join('.'), reason: 'unknown field' };
  if (e.keyword === 'enum')
    return { field: path.join('.'), reason: `must be one of: ${(params.allowedValues ?? []).map(String).join(', ')}` };
  return { field: path.join('.'), reason: e.message ?? 'is invalid' };
}

/**
 * Validates tool arguments against the tool's JSON Schema (2020-12; MCP servers send 07-style schemas,
 * which read the same for what tools use). Lenient about unknown keywords, since MCP servers write
 * their own schemas; compiled validators are cached by schema text.
 */
export class ArgumentsValidator {
  private readonly ajv = addFormats(
    new Ajv2020({ allErrors: true, strict: false, validateSchema: false, code: { regExp: lenientRegExp } }),
  );
  private readonly cache = new Map<string, ValidateFunction>();

  validate(toolName: string, schema: JsonSchema, args: Record<string, unknown>): void {
    let validate: ValidateFunction;
    try {
      validate = this.compile(schema);
    } catch {
      // A server's schema we cannot compile: the server validates for itself.
      return;
    }
    if (validate(args)) return;
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
    // Schemas generated from zod carry a regex beside `format`; the format says it better.
    const formatted = new Set(errors.filter((e) => e.keyword === 'format').map((e) => e.instancePath));
    const seen = new Set<string>();
    const details = errors
      .filter((e) => !(e.keyword === 'pattern' && formatted.has(e.instancePath)))
      .map(toDetail)
      .filter((d) => !seen.has(`${d.field}|${d.reason}`) && seen.add(`${d.field}|${d.reason}`));
    throw AppError.invalid(`Invalid arguments for ${toolName}`, details);
  }

  private compile(schema: JsonSchema): ValidateFunction {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    const key = JSON.stringify(rest);
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile(rest);
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, fn);
    }
    return fn;
  }
}
