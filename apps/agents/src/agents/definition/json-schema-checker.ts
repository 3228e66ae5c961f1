import { linearRegExp, unsupportedSchemaPatterns } from '@agentry/common';
import Ajv, { AnySchemaObject, ErrorObject } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export interface SchemaProblem {
  /** Dotted path inside the schema (`properties.email.format`), '' for the schema itself. */
  path: string;
  reason: string;
}

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const DRAFT_2020 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

/**
 * Checks that a value is a JSON Schema runs can be validated against: draft 2020-12 (the default) or
 * draft-07 when `$schema` says so. Unknown keywords are allowed (they are annotations), but unknown
 * formats, unresolvable `$ref`s and patterns RE2 cannot run (backreferences, lookaround) are errors,
 * because compiling the schema at run time would fail.
 */
export class JsonSchemaChecker {
  private warnings: string[] = [];
  private readonly logger = {
    log: () => undefined,
    warn: (...args: unknown[]) => void this.warnings.push(args.map(String).join(' ')),
    error: (...args: unknown[]) => void this.warnings.push(args.map(String).join(' ')),
  };
  // Runs compile these schemas with the same linear-time engine (RE2): see linear-regexp.ts in @agentry/common.
  private readonly options = { strict: false, allErrors: true, logger: this.logger, code: { regExp: linearRegExp } };
  private readonly draft2020 = addFormats(new Ajv2020(this.options));
  private readonly draft07 = addFormats(new Ajv(this.options));

  check(schema: unknown): SchemaProblem[] {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      return [{ path: '', reason: 'must be a JSON Schema object' }];
    }
    const declared = (schema as { $schema?: unknown }).$schema;
    let ajv: Ajv;
    if (declared === undefined || (typeof declared === 'string' && DRAFT_2020.test(declared))) ajv = this.draft2020;
    else if (typeof declared === 'string' && DRAFT_07.test(declared)) ajv = this.draft07;
    else return [{ path: '$schema', reason: 'must be the draft 2020-12 or draft-07 meta-schema URI' }];

    if (!ajv.validateSchema(schema)) return dedupe((ajv.errors ?? []).map(toProblem));
    const patterns = unsupportedSchemaPatterns(schema);
    if (patterns.length > 0) return patterns;
    this.warnings = [];
    try {
      ajv.compile(schema as AnySchemaObject);
    } catch (err) {
      return [{ path: '', reason: (err as Error).message }];
    } finally {
      ajv.removeSchema(schema as AnySchemaObject);
    }
    const unknownFormats = new Set(this.warnings.filter((w) => w.startsWith('unknown format')));
    return [...unknownFormats].map((reason) => ({ path: '', reason }));
  }
}

function toProblem(e: ErrorObject): SchemaProblem {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  return { path, reason: allowed ? `${e.message}: ${allowed.join(', ')}` : (e.message ?? 'is invalid') };
}

/** ajv reports anyOf failures once per branch; one line per path is enough for a person. */
function dedupe(problems: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.path) && seen.add(p.path));
}
