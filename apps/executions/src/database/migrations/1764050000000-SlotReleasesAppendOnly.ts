import { MigrationInterface, QueryRunner } from 'typeorm';
import { functionDefinition } from './function-definition';

const FUNCTIONS = ['executions.start_runs(jsonb, text, int)', 'executions.claim_runs(text[], int, text, text, int)'];
const ANCHOR = 'PERFORM pg_advisory_xact_lock(7263501);';
const FOLD = `PERFORM executions.fold_slot_releases();`;

/**
 * A run that stops running no longer updates its run_slots shards: the trigger appends a release row
 * instead. Updating shards from the commit locked them until the commit reached the disk, and a commit of
 * several runs (or two replicas' commits) could lock them in opposite orders and deadlock. Releases are folded
 * into the counters by start_runs and claim_runs under the claim lock, right before they read them; a release
 * not folded yet only makes the counts conservative.
 */
export class SlotReleasesAppendOnly1764050000000 implements MigrationInterface {
  name = 'SlotReleasesAppendOnly1764050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE executions.run_slot_releases (scope text NOT NULL, shard smallint NOT NULL)`);
    await q.query(`
      CREATE FUNCTION executions.fold_slot_releases() RETURNS void LANGUAGE sql VOLATILE AS $fn$
        WITH gone AS (DELETE FROM executions.run_slot_releases RETURNING scope, shard),
             agg AS (SELECT scope, shard, count(*)::int AS n FROM gone GROUP BY scope, shard)
        UPDATE executions.run_slots s SET running = s.running - agg.n FROM agg WHERE s.scope = agg.scope AND s.shard = agg.shard
      $fn$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION executions.give_back_slots() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO executions.run_slot_releases (scope, shard)
        VALUES ('w:' || OLD.workspace_id, OLD.slot_w), ('a:' || OLD.agent_id, OLD.slot_a);
        RETURN NULL;
      END
      $fn$`);
    for (const fn of FUNCTIONS) {
      const def = await functionDefinition(q, fn, ANCHOR);
      if (!def.includes(FOLD)) await q.query(def.replace(ANCHOR, `${ANCHOR}\n  ${FOLD}`));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) await q.query((await functionDefinition(q, fn, ANCHOR)).replace(`\n  ${FOLD}`, ''));
    await q.query(`SELECT executions.fold_slot_releases()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION executions.give_back_slots() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE executions.run_slots SET running = running - 1
         WHERE (scope = 'a:' || OLD.agent_id AND shard = OLD.slot_a) OR (scope = 'w:' || OLD.workspace_id AND shard = OLD.slot_w);
        RETURN NULL;
      END
      $fn$`);
    await q.query(`DROP FUNCTION IF EXISTS executions.fold_slot_releases()`);
    await q.query(`DROP TABLE IF EXISTS executions.run_slot_releases`);
  }
}
