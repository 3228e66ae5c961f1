import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo';

/** Newest mtime of the files a package's build reads (specs are not built). */
function newestSource(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!/\.(int-|e2e-)?spec\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  if (existsSync(join(dir, 'src'))) walk(join(dir, 'src'));
  for (const file of ['tsconfig.build.json', 'package.json']) {
    if (existsSync(join(dir, file))) newest = Math.max(newest, statSync(join(dir, file)).mtimeMs);
  }
  return newest;
}

/** Apps (with src/main.ts) and libs whose dist is missing or older than their sources, as `apps/agents`-style paths. */
export function staleBuilds(): string[] {
  const root = repoRoot();
  const stale: string[] = [];
  for (const [group, entry] of [
    ['apps', 'main'],
    ['libs', 'index'],
  ] as const) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const dir = join(base, name);
      if (!existsSync(join(dir, 'src', `${entry}.ts`))) continue; // not started yet
      const output = join(dir, 'dist', `${entry}.js`);
      const stamp = [join(dir, 'dist', '.tsbuildinfo'), output].find((f) => existsSync(f));
      if (!existsSync(output) || !stamp || statSync(stamp).mtimeMs < newestSource(dir)) stale.push(`${group}/${name}`);
    }
  }
  return stale;
}

/** Services that exist in the tree (apps/<name>/src/main.ts). */
export function existingServices(): string[] {
  const apps = join(repoRoot(), 'apps');
  return existsSync(apps) ? readdirSync(apps).filter((n) => existsSync(join(apps, n, 'src', 'main.ts'))) : [];
}

/** Runs `npx turbo run build` once when anything is missing or stale. */
export function ensureBuilt(): void {
  if (process.env.TEST_SKIP_BUILD === '1') return; // the caller built what it needs
  const stale = staleBuilds();
  if (stale.length === 0) return;
  process.stderr.write(`[agentry-testing] building (${stale.join(', ')} out of date): npx turbo run build\n`);
  const result = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: repoRoot(),
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0)
    throw new Error(`\`npx turbo run build\` failed (exit ${result.status ?? result.signal}); see the output above.`);
}
