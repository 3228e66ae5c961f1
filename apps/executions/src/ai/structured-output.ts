import { linearRegExp } from '@agentry/common';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

// `pattern` runs on RE2 (linear time); a response_schema may be a template, so it is not always checked at save.
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false, code: { regExp: linearRegExp } }));
const cache = new Map<string, ValidateFunction>();

export type SchemaCheck = { ok: true; value: unknown } | { ok: false; problems: string[] };

/** Compiles a step's response_schema once; throws a readable message for a schema that is not one. */
export function compileResponseSchema(schema: Record<string, unknown>): ValidateFunction {
  const { $schema: _dialect, ...rest } = schema;
  const key = JSON.stringify(rest);
  let fn = cache.get(key);
  if (!fn) {
    fn = ajv.compile(rest);
    if (cache.size > 500) cache.clear();
    cache.set(key, fn);
  }
  return fn;
}

/** The JSON in a model's answer: the whole text, or a ```json fenced block, or the outermost {...} / [...]. */
export function extractJson(text: string): unknown {
  const candidates = [text.trim()];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fenced) candidates.push(fenced[1].trim());
  const first = text.search(/[{[]/);
  const last = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      return JSON.parse(c);
    } catch {
      // next candidate
    }
  }
  return undefined;
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '(root)';
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  if (e.keyword === 'required') return `${at}: missing required property "${params.missingProperty}"`;
  if (e.keyword === 'additionalProperties') return `${at}: unexpected property "${params.additionalProperty}"`;
  return `${at}: ${e.message ?? 'is invalid'}`;
}

/** Parses and validates a model's answer against the schema. */
export function checkAnswer(text: string, validate: ValidateFunction): SchemaCheck {
  const value = extractJson(text);
  if (value === undefined) return { ok: false, problems: ['the answer is not JSON'] };
  if (validate(value)) return { ok: true, value };
  return { ok: false, problems: (validate.errors ?? []).slice(0, 20).map(describe) };
}

/** What the model is told so it answers with JSON of this shape (every provider reads it; OpenAI also gets response_format). */
export function schemaInstruction(schema: Record<string, unknown>): string {
  return `Answer with a single JSON value and nothing else (no prose, no code fence). It must validate against this JSON Schema:\n${JSON.stringify(schema)}`;
}
