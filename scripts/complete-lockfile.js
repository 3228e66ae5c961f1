// Adds lockfile entries for other platforms' optional binaries (@swc/core-darwin-arm64, @turbo/windows-64, …).
//
// Why: the npm registry this project is built against serves only the Linux builds of some packages at the
// versions we use, so `npm install` leaves the other platforms out of package-lock.json, and `npm ci` then
// refuses the lockfile as "out of sync". These entries carry os/cpu, so npm skips them on other platforms'
// machines exactly as it would with a complete lockfile. Run after `npm install`: `node scripts/complete-lockfile.js`.
const { readFileSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');

const file = resolve(__dirname, '../package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = {
  darwin: 'darwin',
  win32: 'win32',
  windows: 'win32',
  linux: 'linux',
  android: 'android',
  freebsd: 'freebsd',
  openharmony: 'openharmony',
};
const CPU = {
  arm64: 'arm64',
  x64: 'x64',
  64: 'x64',
  ia32: 'ia32',
  arm: 'arm',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

/** Platform of a binary package from its name, e.g. core-linux-arm-gnueabihf → linux/arm (+ libc). */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const osIndex = parts.findIndex((p) => OS[p]);
  if (osIndex < 0) return null;
  const cpu = CPU[parts[osIndex + 1]];
  if (!cpu) return null;
  const rest = parts.slice(osIndex + 2).join('-');
  const libc = /musl/.test(rest) ? 'musl' : /gnu/.test(rest) && OS[parts[osIndex]] === 'linux' ? 'glibc' : undefined;
  return { os: [OS[parts[osIndex]]], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/` : 'node_modules/';
    if (packages[`${base}${dep}`] || packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue; // not a platform binary: leave it for npm to resolve
    packages[`node_modules/${dep}`] = { version, ...platform, optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`package-lock.json: added ${added} platform entries\n`);
