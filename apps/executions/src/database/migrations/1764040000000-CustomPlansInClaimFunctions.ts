import { MigrationInterface, QueryRunner } from 'typeorm';
import { functionDefinition } from './function-definition';

const FUNCTIONS = ['executions.start_runs(jsonb, text, int)', 'executions.claim_runs(text[], int, text, text, int)'];
const ANCHOR = "PERFORM set_config('synchronous_commit', 'off', true);";
const CUSTOM = "PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);";

/**
 * start_runs and claim_runs plan their statements for the arguments of each call. PL/pgSQL caches a generic
 * plan after a few calls; one made while `executions.executions` was small kept scanning it whole as it grew
 * (measured: starts 2–3× slower after 50,000 runs until the connection was replaced). Planning per call costs
 * less than that, and a call serves a whole batch of runs.
 */
export class CustomPlansInClaimFunctions1764040000000 implements MigrationInterface {
  name = 'CustomPlansInClaimFunctions1764040000000';

  async up(q: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) {
      const def = await functionDefinition(q, fn, ANCHOR);
      if (!def.includes(CUSTOM)) await q.query(def.replace(ANCHOR, `${ANCHOR}\n  ${CUSTOM}`));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) await q.query((await functionDefinition(q, fn, ANCHOR)).replace(`\n  ${CUSTOM}`, ''));
  }
}
