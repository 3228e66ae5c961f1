import { maskSecret, HIDDEN_MASK } from './mask-secret';
import type { JsonSchema } from './platform';

type Config = Record<string, unknown>;

function properties(schema: JsonSchema): Record<string, JsonSchema> {
  return (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
}

/** Top-level fields marked `x-secret: true`. */
export function secretFieldsOf(schema: JsonSchema): string[] {
  return Object.entries(properties(schema))
    .filter(([, p]) => p['x-secret'] === true)
    .map(([name]) => name);
}

/** Splits a config into what is stored in the clear and what is encrypted. */
export function splitConfig(schema: JsonSchema, config: Config): { plain: Config; secrets: Config } {
  const secretNames = new Set(secretFieldsOf(schema));
  const plain: Config = {};
  const secrets: Config = {};
  for (const [k, v] of Object.entries(config)) (secretNames.has(k) ? secrets : plain)[k] = v;
  return { plain, secrets };
}

/** Masked forms of the secret fields, computed once at write time so reads never decrypt. */
export function maskSecrets(schema: JsonSchema, secrets: Config): Config {
  const props = properties(schema);
  const masked: Config = {};
  for (const [k, v] of Object.entries(secrets)) {
    const hidden = props[k]?.['x-mask'] === 'hidden';
    const mask = (s: unknown) => (hidden ? HIDDEN_MASK : maskSecret(String(s)));
    masked[k] = v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([hk, hv]) => [hk, mask(hv)])) : mask(v);
  }
  return masked;
}

/** Every secret string in a config (object values included), for scrubbing texts that came back from a platform. */
export function secretValues(secrets: Config): string[] {
  const out: string[] = [];
  for (const v of Object.values(secrets)) {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') for (const inner of Object.values(v)) if (typeof inner === 'string') out.push(inner);
  }
  return out.filter((s) => s.length >= 4);
}

/** Replaces every occurrence of a secret in `text`: platforms sometimes echo what they were sent. */
export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
  return out;
}
