import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface RunAiContext {
  /** Tokens the run used in the steps before this one (committed). */
  tokensUsed: number;
  maxTokensPerRun: number | null;
  /** The agent's default model and connection. */
  llm: { model?: string; connection_id?: string } | null;
}

export type SubStepLevel = 'info' | 'warn' | 'error';

/**
 * What the AI steps read about their run (token budget, the agent's LLM defaults) and the sub-step
 * log lines they add (one per model call and tool call), next to the engine's own lines.
 */
@Injectable()
export class AiRunRepository {
  constructor(private readonly ds: DataSource) {}

  async context(executionId: string): Promise<RunAiContext> {
    const rows: { tokens_used: number; max_tokens_per_run: number | null; llm: RunAiContext['llm'] }[] = await this.ds.query(
      `SELECT e.tokens_used, a.max_tokens_per_run, a.llm
         FROM executions.executions e LEFT JOIN executions.agents a ON a.id = e.agent_id
        WHERE e.id = $1`,
      [executionId],
    );
    const row = rows[0];
    return { tokensUsed: row?.tokens_used ?? 0, maxTokensPerRun: row?.max_tokens_per_run ?? null, llm: row?.llm ?? null };
  }

  /** One log line, numbered after the run's last (the engine numbers its own lines the same way, under the row lock). */
  async log(executionId: string, stepId: string, level: SubStepLevel, message: string, data: Record<string, unknown>): Promise<void> {
    await this.ds.query(
      `WITH e AS (UPDATE executions.executions SET log_seq = log_seq + 1 WHERE id = $1 RETURNING id, log_seq)
       INSERT INTO executions.execution_logs (execution_id, seq, at, level, step_id, message, data)
       SELECT e.id, e.log_seq, now(), $2, $3, $4, $5::jsonb FROM e`,
      [executionId, level, stepId, message, JSON.stringify(data)],
    );
  }
}
