import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `Agentry-Webhooks/<version>`, the version read from this service's package.json. */
function findVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@agentry/webhooks' && pkg.version) return pkg.version;
    } catch {
      // not here
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export const USER_AGENT = `Agentry-Webhooks/${findVersion()}`;
