import { ErrorDetail } from '@agentry/contracts';
import { AppError, checkOutboundUrl, OutboundError } from '@agentry/common';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonSchema, Platform } from './platform';

type Config = Record<string, unknown>;

/** A strict draft 2020-12 validator that knows the registry's own annotations. */
export function createSchemaValidator(): Ajv2020 {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
  ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'x-mask', schemaType: 'string' });
  return ajv;
}

function toDetail(e: ErrorObject, prefix: string): ErrorDetail {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as { missingProperty?: string; additionalProperty?: string; propertyName?: string };
  // Messages come from the schema's rules, never from the value, which may be a secret.
  if (e.keyword === 'required') return { field: [prefix, ...path, params.missingProperty].join('.'), reason: 'is required' };
  if (e.keyword === 'additionalProperties')
    return { field: [prefix, ...path, params.additionalProperty].join('.'), reason: 'unknown field' };
  if (e.keyword === 'propertyNames') return { field: [prefix, ...path].join('.'), reason: 'has a key that is not a valid header name' };
  return { field: [prefix, ...path].join('.'), reason: e.message ?? 'is invalid' };
}

/** Validates a connection config against its platform's schema: 400 with the field paths, never the values. */
export class ConfigValidator {
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly ajv = createSchemaValidator();

  validate(platform: Platform, config: Config, prefix = 'config'): void {
    const validate = this.validatorFor(platform);
    const details: ErrorDetail[] = [];
    if (!validate(config)) details.push(...(validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => toDetail(e, prefix)));
    details.push(...this.urlProblems(platform.configSchema, config, prefix));
    if (details.length) throw AppError.invalid(`Invalid ${platform.name} config`, dedupe(details));
  }

  /** The config with the schema's top-level defaults filled in (what tests and resolve use). */
  withDefaults(platform: Platform, config: Config): Config {
    const out: Config = { ...config };
    for (const [name, prop] of Object.entries((platform.configSchema.properties as Record<string, JsonSchema>) ?? {})) {
      if (out[name] === undefined && prop.default !== undefined) out[name] = prop.default;
    }
    return out;
  }

  private validatorFor(platform: Platform): ValidateFunction {
    let fn = this.compiled.get(platform.id);
    if (!fn) {
      fn = this.ajv.compile(platform.configSchema);
      this.compiled.set(platform.id, fn);
    }
    return fn;
  }

  /** `format: uri` fields must also be http(s) without credentials in them. */
  private urlProblems(schema: JsonSchema, config: Config, prefix: string): ErrorDetail[] {
    const problems: ErrorDetail[] = [];
    for (const [name, prop] of Object.entries((schema.properties as Record<string, JsonSchema>) ?? {})) {
      const value = config[name];
      if (prop.format !== 'uri' || typeof value !== 'string') continue;
      try {
        checkOutboundUrl(value, { allowPrivateNetworks: true });
      } catch (err) {
        if (err instanceof OutboundError) problems.push({ field: `${prefix}.${name}`, reason: err.message });
      }
    }
    return problems;
  }
}

function dedupe(details: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const key = `${d.field}|${d.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
