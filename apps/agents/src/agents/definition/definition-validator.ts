import { AppError, hasTemplate, parseTemplate, TemplateSyntaxError } from '@agentry/common';
import { AgentLlmDefaultsDto, ErrorDetail, STEP_TYPES, StepType } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import jsonata from 'jsonata';
import { JsonSchemaChecker } from './json-schema-checker';
import { checkStepWith } from './step-rules';

/** A definition is stored in every version row and loaded by every run: keep it bounded. */
export const MAX_DEFINITION_BYTES = 256 * 1024;
/** Enough to fix a definition; a thousand lines of details help nobody. */
const MAX_DETAILS = 50;

export interface DefinitionContext {
  /** The agent's LLM defaults: llm and agent steps may leave out what these provide. */
  llm?: AgentLlmDefaultsDto | null;
}

/**
 * Checks what class-validator cannot: step ids are unique, each step's `with` fits its type, every
 * JSONata expression (`if`, `output`, `transform.with.expression`, `{{ }}` templates anywhere in `with`)
 * compiles, and `input_schema` is a usable JSON Schema. Each problem is a detail naming the field.
 */
@Injectable()
export class DefinitionValidator {
  private readonly schemas = new JsonSchemaChecker();

  /** Throws INVALID_INPUT "Invalid agent definition" with one detail per problem. */
  assertValid(definition: unknown, context: DefinitionContext = {}): void {
    const details = this.validate(definition, context);
    if (details.length > 0) throw AppError.invalid('Invalid agent definition', details);
  }

  validate(definition: unknown, context: DefinitionContext = {}): ErrorDetail[] {
    if (!isObject(definition)) return [{ field: 'definition', reason: 'must be an object' }];
    const bytes = Buffer.byteLength(JSON.stringify(definition), 'utf8');
    if (bytes > MAX_DEFINITION_BYTES) {
      return [{ field: 'definition', reason: `must be at most ${MAX_DEFINITION_BYTES} bytes as JSON (is ${bytes})` }];
    }
    const details: ErrorDetail[] = [];
    if (definition.input_schema !== undefined) {
      for (const p of this.schemas.check(definition.input_schema)) {
        details.push({
          field: p.path ? `definition.input_schema.${p.path}` : 'definition.input_schema',
          reason: `JSON Schema: ${p.reason}`,
        });
      }
    }
    if (Array.isArray(definition.steps)) details.push(...this.checkSteps(definition.steps, context));
    else details.push({ field: 'definition.steps', reason: 'must be an array of steps' });
    if (definition.output !== undefined) details.push(...expressionIssues('definition.output', definition.output));
    return details.slice(0, MAX_DETAILS);
  }

  private checkSteps(steps: unknown[], context: DefinitionContext): ErrorDetail[] {
    const details: ErrorDetail[] = [];
    const firstIndexOf = new Map<string, number>();
    steps.forEach((step, i) => {
      const base = `definition.steps[${i}]`;
      if (!isObject(step)) {
        details.push({ field: base, reason: 'must be an object' });
        return;
      }
      if (typeof step.id !== 'string') details.push({ field: `${base}.id`, reason: 'must be a string' });
      else if (firstIndexOf.has(step.id)) {
        details.push({ field: `${base}.id`, reason: `duplicate step id "${step.id}" (also steps[${firstIndexOf.get(step.id)}])` });
      } else firstIndexOf.set(step.id, i);
      if (step.if !== undefined) details.push(...expressionIssues(`${base}.if`, step.if));
      details.push(...this.checkWith(step, base, context));
    });
    return details;
  }

  private checkWith(step: Record<string, unknown>, base: string, context: DefinitionContext): ErrorDetail[] {
    if (!STEP_TYPES.includes(step.type as StepType)) {
      return [{ field: `${base}.type`, reason: `must be one of ${STEP_TYPES.join(', ')}` }];
    }
    const type = step.type as StepType;
    if (!isObject(step.with)) return [{ field: `${base}.with`, reason: 'must be an object' }];
    const details = checkStepWith(type, step.with, { llm: context.llm, schemas: this.schemas }).map((issue) => ({
      field: `${base}.with.${issue.key}`,
      reason: issue.reason,
    }));
    // transform's expression is JSONata itself; everything else in `with` may hold {{ }} templates.
    const { expression, ...templated } = step.with;
    if (type === 'transform' && typeof expression === 'string') details.push(...expressionIssues(`${base}.with.expression`, expression));
    const walked = type === 'transform' ? templated : step.with;
    for (const [key, value] of Object.entries(walked)) templateIssues(value, `${base}.with${pathKey(key)}`, details);
    return details;
  }
}

/** The reason a JSONata expression does not compile, or none. */
export function jsonataError(expression: string): string | null {
  try {
    jsonata(expression);
    return null;
  } catch (err) {
    const e = err as { message?: string; position?: number };
    return `JSONata: ${e.message ?? String(err)}${typeof e.position === 'number' ? ` (at character ${e.position})` : ''}`;
  }
}

function expressionIssues(field: string, expression: unknown): ErrorDetail[] {
  if (typeof expression !== 'string') return [{ field, reason: 'must be a JSONata expression string' }];
  if (expression.trim() === '') return [{ field, reason: 'must not be empty' }];
  const reason = jsonataError(expression);
  return reason ? [{ field, reason }] : [];
}

/** Compiles every `{{ expr }}` in every string below `value`. */
function templateIssues(value: unknown, field: string, out: ErrorDetail[]): void {
  if (typeof value === 'string') {
    if (!hasTemplate(value)) return;
    try {
      for (const part of parseTemplate(value).parts) {
        if (part.kind !== 'expr') continue;
        const reason = jsonataError(part.expr);
        if (reason) out.push({ field, reason: `${reason} in {{ ${truncate(part.expr)} }}` });
      }
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) throw err;
      out.push({ field, reason: `template: ${err.message} (at character ${err.offset})` });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => templateIssues(item, `${field}[${i}]`, out));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) templateIssues(item, `${field}${pathKey(key)}`, out);
  }
}

function pathKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
