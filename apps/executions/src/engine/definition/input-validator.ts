import { linearRegExp } from '@agentry/common';
import type { ErrorDetail } from '@agentry/contracts';
import Ajv, { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
// `pattern` runs on RE2 (linear time): a tenant's `^(a+)+$` must not hold a shared worker's event loop.
const options = { strict: false, allErrors: true, logger: silent, code: { regExp: linearRegExp } };
const draft2020 = addFormats(new Ajv2020(options));
const draft07 = addFormats(new Ajv(options));

export type InputCheck = (input: unknown) => ErrorDetail[];

const MAX_DETAILS = 20;

/**
 * Compiles an agent's `input_schema` (draft 2020-12, or draft-07 when `$schema` says so). The agents
 * service has checked the schema already; a schema that still fails to compile accepts nothing and says why.
 */
export function compileInputSchema(schema: Record<string, unknown> | undefined): InputCheck {
  if (!schema || Object.keys(schema).length === 0) return () => [];
  const ajv = typeof schema.$schema === 'string' && DRAFT_07.test(schema.$schema) ? draft07 : draft2020;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema as AnySchemaObject);
  } catch (err) {
    const reason = `the agent's input_schema does not compile: ${(err as Error).message}`;
    return () => [{ field: 'input', reason }];
  } finally {
    // Keep the compiled function, not ajv's cache entry: definitions come and go.
    ajv.removeSchema(schema as AnySchemaObject);
  }
  return (input) => (validate(input) ? [] : toDetails(validate.errors ?? []));
}

function toDetails(errors: ErrorObject[]): ErrorDetail[] {
  const seen = new Set<string>();
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
    let field = ['input', ...path].join('.');
    let reason = e.message ?? 'is invalid';
    if (params.missingProperty) {
      field = `${field}.${params.missingProperty}`;
      reason = 'required';
    } else if (params.additionalProperty) {
      field = `${field}.${params.additionalProperty}`;
      reason = 'unknown field';
    } else if (params.allowedValues) {
      reason = `${reason}: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${field}|${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field, reason });
    if (out.length >= MAX_DETAILS) break;
  }
  return out;
}
