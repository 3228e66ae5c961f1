// `npm run bench`: runs every benchmark in turn (or the ones named: `npm run bench -- executions webhooks`),
// each against its own private stack, and prints their figures. Each benchmark's knobs are in its header;
// BENCH_QUICK=1 shortens all of them (a smoke run, not figures to publish).
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const os = require('node:os');

const ALL = ['executions', 'webhooks', 'schedules'];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
const unknown = chosen.filter((b) => !ALL.includes(b));
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')} (have: ${ALL.join(', ')})\n`);
  process.exit(2);
}
const quick = process.env.BENCH_QUICK === '1' ? { BENCH_SECONDS: '20', BENCH_SCHEDULES: '2000' } : {};
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || 'unknown';
process.stdout.write(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, commit ${commit}\n`,
);
let failed = 0;
for (const name of chosen) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const res = spawnSync(process.execPath, [join(__dirname, `${name}.js`)], { stdio: 'inherit', env: { ...process.env, ...quick } });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
