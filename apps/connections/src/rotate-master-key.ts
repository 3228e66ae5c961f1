import 'reflect-metadata';
import { ConfigError, loadConfig } from '@agentry/common';
import { Client } from 'pg';
import { ConnectionsConfig, MAKE_A_KEY } from './config/connections.config';
import { EnvelopeCipher } from './crypto/envelope-cipher';
import { MasterKeyring } from './crypto/master-keyring';
import { MasterKeyRotation } from './rotation/master-key-rotation';
import { RotationRepository } from './rotation/rotation.repository';

const USAGE = `Usage: npm run rotate-master-key -- [--batch-size=500] [--dry-run]

Re-wraps every connection's data key under AGENTRY_MASTER_KEY (the new key, id AGENTRY_MASTER_KEY_ID),
reading old records with the keys in AGENTRY_MASTER_KEYRING (id:base64,…). Online and idempotent:
  1. give every connections replica the new key as AGENTRY_MASTER_KEY and the old one in AGENTRY_MASTER_KEYRING;
  2. run this command with the same environment (again, if it reports records left);
  3. remove the old key from AGENTRY_MASTER_KEYRING once it reports 0 records under it.
Exit code: 0 when every record is under the new key, 1 when some are not, 2 on bad input.`;

const say = (line: string) => process.stdout.write(`[rotate-master-key] ${line}\n`);

function parseArgs(argv: string[]): { batchSize: number; dryRun: boolean } | null {
  let batchSize = 500;
  let dryRun = false;
  for (const arg of argv) {
    if (arg === '--dry-run') dryRun = true;
    else if (arg.startsWith('--batch-size=') && /^\d{1,5}$/.test(arg.slice(13)) && Number(arg.slice(13)) > 0)
      batchSize = Number(arg.slice(13));
    else return null;
  }
  return { batchSize, dryRun };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let config: ConnectionsConfig;
  try {
    config = loadConfig(ConnectionsConfig);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const { keyring, usingDevKey } = MasterKeyring.fromSettings(config);
  if (usingDevKey) {
    process.stderr.write(`AGENTRY_MASTER_KEY must be set to the new master key (${MAKE_A_KEY}).\n\n${USAGE}\n`);
    return 2;
  }
  say(
    `new master key: ${keyring.primary.id}; keys that can read old records: ${keyring.ids().join(', ')}${args.dryRun ? ' (dry run)' : ''}`,
  );
  const db = new Client({ connectionString: config.DATABASE_URL, application_name: 'agentry-rotate-master-key' });
  await db.connect();
  try {
    const rotation = new MasterKeyRotation(new RotationRepository(db), new EnvelopeCipher(keyring), say);
    const report = await rotation.run(args);
    for (const f of report.failed) say(`cannot re-wrap ${f.id}: ${f.reason}`);
    say(
      `done: ${report.rewrapped} re-wrapped, ${report.skippedConcurrent} changed meanwhile, ${report.failed.length} failed; ` +
        `records per master key now: ${JSON.stringify(report.byKey)}`,
    );
    const left = Object.entries(report.byKey).filter(([id]) => id !== keyring.primary.id);
    return left.length === 0 || args.dryRun ? 0 : 1;
  } finally {
    await db.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    // pg errors name the table or the connection problem, never a key.
    process.stderr.write(`[rotate-master-key] failed: ${err.message}\n`);
    process.exit(1);
  },
);
