import { encodeCursor, serviceDataSourceOptions } from '@agentry/common';
import { createTestDatabase, TestDatabase, waitFor } from '@agentry/testing';
import { Client } from 'pg';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { migrations } from '../src/database/migrations';
import { ExecutionsRepository } from '../src/runs/executions.repository';
import { RunQuota } from '../src/runs/run-quota';

/** The executions schema on its own database: query plans at a million runs, and the runs-per-day quota. */
describe('executions store (PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('executions_store');
    const setup = new DataSource({ type: 'postgres', url: db.url });
    await setup.initialize();
    await setup.query('CREATE SCHEMA executions');
    await setup.destroy();
    ds = await new DataSource(
      serviceDataSourceOptions({ url: db.url, schema: 'executions', entities: [], migrations, poolSize: 4 }),
    ).initialize();
    await ds.runMigrations();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  describe('listing a million runs', () => {
    const repo = () => new ExecutionsRepository(ds);

    beforeAll(async () => {
      // Bulk load: drop the secondary indexes, insert, build them again (much faster than row by row).
      const indexes: { indexdef: string; indexname: string }[] = await ds.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'executions' AND tablename = 'executions' AND indexname <> 'executions_pkey'`,
      );
      for (const i of indexes) await ds.query(`DROP INDEX executions.${i.indexname}`);
      // 1,000,000 runs: 20 workspaces × 50 agents, one in 100 failed, ids ordered like ULIDs; and a small workspace.
      await ds.query(`
        INSERT INTO executions.executions (id, workspace_id, agent_id, agent_version, status, trigger_type, input, max_concurrency, created_at)
        SELECT 'exe_01M8' || lpad(g::text, 22, '0'), 'wks_' || (g % 20), 'agt_' || (g % 1000), 1,
               CASE WHEN g % 100 = 0 THEN 'failed' ELSE 'succeeded' END, 'api', '{}'::jsonb, 10, now() - make_interval(secs => 1000000 - g)
          FROM generate_series(1, 1000000) AS g`);
      await ds.query(`
        INSERT INTO executions.executions (id, workspace_id, agent_id, agent_version, status, trigger_type, input, max_concurrency)
        SELECT 'exe_01M7' || lpad(g::text, 22, '0'), 'wks_small', 'agt_small', 1, 'succeeded', 'api', '{}'::jsonb, 10 FROM generate_series(1, 10) AS g`);
      for (const i of indexes) await ds.query(i.indexdef);
      await ds.query('ANALYZE executions.executions');
    }, 180_000);

    it.each([
      ['the newest runs of a large workspace', 'wks_7', {}, /Index Scan (Backward )?using executions_(pkey|workspace_id_id_idx)/],
      ['the newest runs of a small workspace', 'wks_small', {}, /Index Scan using executions_workspace_id_id_idx/],
      ["an agent's runs", 'wks_7', { agentId: 'agt_7' }, /Index Scan using executions_workspace_id_agent_id_id_idx/],
      ['runs with a rare status', 'wks_7', { status: 'failed' as const }, /Index Scan using executions_workspace_id_status_id_idx/],
    ])('reads %s from an index in id order, without sorting or scanning the table', async (_case, workspace, filter, index) => {
      const plan = await repo().explainList(workspace, { ...filter, limit: 20 });

      expect(plan).toMatch(index);
      expect(plan).not.toMatch(/Seq Scan|Sort/);
    });

    it('pages through a workspace with the keyset cursor', async () => {
      const first = await repo().list('wks_7', { limit: 3 });
      const next = await repo().list('wks_7', { limit: 3, cursor: encodeCursor({ id: first[2].id }) });

      expect(first.map((r) => r.id)).toEqual([
        'exe_01M80000000000000000999987',
        'exe_01M80000000000000000999967',
        'exe_01M80000000000000000999947',
        'exe_01M80000000000000000999927', // the extra row that tells there is a next page
      ]);
      expect(next[0].id).toBe('exe_01M80000000000000000999927');
    });
  });

  describe('reading one run', () => {
    it('reads the run and its steps from one snapshot, even when a commit lands between the two reads', async () => {
      const id = 'exe_01M9SNAPSH0T000000000000';
      await ds.query(
        `INSERT INTO executions.executions (id, workspace_id, agent_id, agent_version, status, trigger_type, input, max_concurrency)
         VALUES ($1, 'wks_snap', 'agt_snap', 1, 'waiting', 'api', '{}', 10)`,
        [id],
      );
      const step = (position: number) =>
        `INSERT INTO executions.execution_steps (execution_id, position, step_id, type, status) VALUES ('${id}', ${position}, 's${position}', 'http', 'succeeded')`;
      await ds.query(step(0));
      // The run's end, committed while the read is between its two statements.
      const writer = new Client({ connectionString: db.url });
      await writer.connect();
      await writer.query('BEGIN');
      await writer.query(`UPDATE executions.executions SET status = 'succeeded' WHERE id = $1`, [id]);
      await writer.query(step(1));
      await writer.query(step(2));
      const createQueryRunner = ds.createQueryRunner.bind(ds);
      let committed = false;
      const spy = jest.spyOn(ds, 'createQueryRunner').mockImplementation((mode) => {
        const runner = createQueryRunner(mode);
        const query = runner.query.bind(runner);
        runner.query = (async (sql: string, params?: unknown[]) => {
          const out = await query(sql, params);
          if (!committed && /FROM executions\.executions WHERE id/.test(sql)) {
            committed = true;
            await writer.query('COMMIT');
          }
          return out;
        }) as typeof runner.query;
        return runner;
      });
      try {
        const seen = await new ExecutionsRepository(ds).withSteps('wks_snap', id);
        expect(committed).toBe(true);
        expect({ status: seen?.exe.status, steps: seen?.steps.length }).toEqual({ status: 'waiting', steps: 1 });
      } finally {
        spy.mockRestore();
        await writer.end();
      }
      const after = await new ExecutionsRepository(ds).withSteps('wks_snap', id);
      expect({ status: after?.exe.status, steps: after?.steps.length }).toEqual({ status: 'succeeded', steps: 3 });
      expect(await new ExecutionsRepository(ds).withSteps('wks_other', id)).toBeNull();
    });
  });

  describe(RunQuota.name, () => {
    const logger = pino({ level: 'silent' });

    it("refuses the run after a free plan's 1,000 runs of the day with QUOTA_EXCEEDED, across replicas", async () => {
      const [a, b] = [new RunQuota(ds, logger), new RunQuota(ds, logger)];
      const day = new Date('2026-11-23T12:00:00Z');

      for (let i = 0; i < 1000; i++) await (i % 2 ? a : b).take('wks_quota', 'free', day);

      await expect(a.take('wks_quota', 'free', day)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
      await expect(b.take('wks_quota', 'free', day)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
      await expect(a.take('wks_quota', 'free', new Date('2026-11-24T00:00:01Z'))).resolves.toBeUndefined();
      const rows = await ds.query(`SELECT day::text, granted FROM executions.run_quotas WHERE workspace_id = 'wks_quota' ORDER BY day`);
      expect(rows).toEqual([
        { day: '2026-11-23', granted: 1000 },
        { day: '2026-11-24', granted: 10 },
      ]);
    });

    it('leases the next share while half of the last is left, before it runs out', async () => {
      const quota = new RunQuota(ds, logger);
      const day = new Date('2026-11-23T12:00:00Z');
      const queries = jest.spyOn(ds, 'query');

      // pro: 100,000 runs a day, leased 100 at a time.
      const leasedAt: number[] = [];
      for (let i = 0; i < 300; i++) {
        const before = queries.mock.calls.length;
        await quota.take('wks_ahead', 'pro', day);
        if (queries.mock.calls.length > before) leasedAt.push(i);
        await new Promise((r) => setImmediate(r));
      }
      queries.mockRestore();

      // The first take leases; each later lease is issued by the take that leaves half a share (50), not by one
      // that finds none left (takes 100 and 200).
      expect(leasedAt).toEqual([0, 49, 149, 249]);
      const granted = async () =>
        Number((await ds.query(`SELECT granted FROM executions.run_quotas WHERE workspace_id = 'wks_ahead'`))[0].granted);
      expect(await waitFor(async () => (await granted()) === 400, 5_000)).toBe(true);
    });

    it('does not count runs of callers without a plan', async () => {
      await expect(new RunQuota(ds, logger).take('wks_system', undefined)).resolves.toBeUndefined();
    });
  });
});
