import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const SERVICES = ['gateway', 'agents', 'executions', 'schedules', 'connections', 'webhooks'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Env the image itself reads (the Dockerfile's CMD), not a config class. */
export const IMAGE_ENV = new Set(['SERVICE']);

// A config property at class level: `  DATABASE_URL: string = …`, `  override PORT = 3000;`, `  KEY?: string;`.
const PROPERTY = /^ {2}(?:(?:override|readonly|public|declare)\s+)*([A-Z][A-Z0-9_]*)[?!]?\s*[:=]/gm;

/** Property names of the config classes in a TypeScript source, read as text so no build is needed. */
export function configKeysIn(source: string): string[] {
  return [...source.matchAll(PROPERTY)].map((m) => m[1]);
}

/** ServiceConfig's keys plus those of every `apps/<service>/src/config/*.ts` (none yet: the base keys). */
export function configKeys(service: ServiceName): Set<string> {
  const keys = new Set(configKeysIn(readFileSync(join(ROOT, 'libs/common/src/config/service.config.ts'), 'utf8')));
  const dir = join(ROOT, 'apps', service, 'src', 'config');
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
      for (const key of configKeysIn(readFileSync(join(dir, file), 'utf8'))) keys.add(key);
    }
  }
  return keys;
}

/** Env names a service is given that neither its config class nor the image reads. */
export function unknownEnv(service: ServiceName, names: Iterable<string>): string[] {
  const known = configKeys(service);
  return [...names].filter((name) => !known.has(name) && !IMAGE_ENV.has(name));
}
