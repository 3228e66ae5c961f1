import { MigrationInterface, QueryRunner } from 'typeorm';
import { START_RUNS_RAN_AHEAD } from './1764070000000-StartRunsRanAhead';

/**
 * start_runs writes the start of a run it claims: its `Run started` log line (seq 2) and its `started` event (after
 * `queued`), sent in the run's `started` field. Before, the worker wrote them in a commit of their own just before
 * the run's first step with effects, so a run with one `http` step took three statements in sequence (start, that
 * commit, the final commit); now it takes two. A run left queued writes nothing of the kind here: whoever claims it
 * later starts it as before. A run that ran ahead carries its own start in `ahead`.
 */
export class StartRunsWriteStart1764080000000 implements MigrationInterface {
  name = 'StartRunsWriteStart1764080000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(START_RUNS_WRITE_START);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(START_RUNS_RAN_AHEAD);
  }
}

/** Each replacement must apply exactly once, or the migration would silently build the wrong function. */
function patch(sql: string, replacements: [string, string][]): string {
  for (const [from, to] of replacements) {
    const at = sql.indexOf(from);
    if (at < 0 || sql.indexOf(from, at + 1) >= 0) throw new Error(`StartRunsWriteStart: expected exactly one "${from.slice(0, 60)}"`);
    sql = sql.replace(from, to);
  }
  return sql;
}

/** The run was admitted (claimed, not run ahead) and brought its start. */
const WRITES_START = `d.admit AND NOT d.done AND jsonb_typeof(d.started) = 'object'`;

export const START_RUNS_WRITE_START = patch(START_RUNS_RAN_AHEAD, [
  ['ahead jsonb)', 'ahead jsonb, started jsonb)'],
  [
    "CASE WHEN d.done THEN 1 + jsonb_array_length(d.ahead->'logs') ELSE 1 END,",
    `CASE WHEN d.done THEN 1 + jsonb_array_length(d.ahead->'logs') WHEN ${WRITES_START} THEN 2 ELSE 1 END,`,
  ],
  [
    `    SELECT ins.id, 1, d.created_at, d.log_level, NULL, d.log_message, d.log_data FROM ins JOIN d ON d.id = ins.id
    UNION ALL`,
    `    SELECT ins.id, 1, d.created_at, d.log_level, NULL, d.log_message, d.log_data FROM ins JOIN d ON d.id = ins.id
    UNION ALL
    SELECT ins.id, 2, (d.started->>'at')::timestamptz, 'info', NULL, d.started->>'message', NULL
      FROM ins JOIN d ON d.id = ins.id WHERE ${WRITES_START}
    UNION ALL`,
  ],
  [
    `        FROM ins JOIN d ON d.id = ins.id
      UNION ALL`,
    `        FROM ins JOIN d ON d.id = ins.id
      UNION ALL
      SELECT d.ord, 1, d.started->>'event_id', d.started->>'event_subject', d.started->'event_payload', d.request_id
        FROM ins JOIN d ON d.id = ins.id WHERE ${WRITES_START}
      UNION ALL`,
  ],
]);
