import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | undefined;

/** The monorepo root (the package.json named `agentry`), found from this file whether it runs from src or dist. */
export function repoRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'agentry') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the Agentry repository root above ${__dirname}`);
    dir = parent;
  }
}

/** Where service output goes, so test output stays readable. */
export function testLogDir(): string {
  return join(repoRoot(), 'node_modules', '.cache', 'agentry-test-logs');
}
