import { MigrationInterface, QueryRunner } from 'typeorm';

const INDEX = 'schedule_runs_prune_idx';
const LOCK = `hashtext('agentry.schedules.migrate.prune_idx')`;

/**
 * What pruning and reconciling fires need. `status_checked_at`: when the reconcile last asked the
 * executions service about a fire's run, so it moves through the open fires instead of asking about the
 * oldest ones again and again. `schedule_runs_prune_idx`: the settled fires by due time, the prune's
 * scan. A fire enters that partial index once, when it settles (or is inserted skipped), so the hot path
 * pays one index write per fire.
 *
 * Outside a transaction: the index is built CONCURRENTLY, since schedule_runs was never pruned before
 * and a plain build would block every fire insert while it reads the whole table. Replicas starting
 * together take turns on an advisory lock; a build that failed half-way (an INVALID index) is redone.
 */
export class FireRetention1764000000003 implements MigrationInterface {
  name = 'FireRetention1764000000003';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    // A metadata-only change, but it needs an exclusive lock: give up rather than queue fires behind it.
    await q.query(`SET lock_timeout = '10s'`);
    try {
      await q.query(`ALTER TABLE schedules.schedule_runs ADD COLUMN IF NOT EXISTS status_checked_at timestamptz`);
    } finally {
      await q.query(`RESET lock_timeout`);
    }
    await withLock(q, async () => {
      const [index]: { valid: boolean }[] = await q.query(
        `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE c.relname = $1 AND c.relnamespace = 'schedules'::regnamespace`,
        [INDEX],
      );
      if (index && !index.valid) await q.query(`DROP INDEX CONCURRENTLY schedules.${INDEX}`);
      await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${INDEX} ON schedules.schedule_runs (due_at) WHERE NOT active`);
    });
  }

  /** Plain DROP INDEX: TypeORM reverts a migration inside a transaction whatever its `transaction` flag. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS schedules.${INDEX}`);
    await q.query(`ALTER TABLE schedules.schedule_runs DROP COLUMN IF EXISTS status_checked_at`);
  }
}

/**
 * A session advisory lock taken by polling: a statement waiting on the lock would hold a snapshot, and
 * CREATE INDEX CONCURRENTLY waits for every older snapshot to go, so a blocking wait could deadlock.
 */
async function withLock(q: QueryRunner, fn: () => Promise<void>): Promise<void> {
  for (;;) {
    const [row]: { locked: boolean }[] = await q.query(`SELECT pg_try_advisory_lock(${LOCK}) AS locked`);
    if (row.locked) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    await fn();
  } finally {
    await q.query(`SELECT pg_advisory_unlock(${LOCK})`);
  }
}
