import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface HookRow {
  id: string;
  agent_id: string;
  workspace_id: string;
  key_sha256: string;
  key_sealed: string;
  secret_sealed: string;
  created_at: Date;
  rotated_at: Date | null;
}

/** agents.agent_hooks: one inbound hook per agent (deleted with it). */
@Injectable()
export class HooksRepository {
  constructor(private readonly ds: DataSource) {}

  async agentId(workspaceId: string, ref: string): Promise<string | null> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT id FROM agents.agents WHERE workspace_id = $1 AND ${isId('agt', ref) ? 'id' : 'slug'} = $2`,
      [workspaceId, ref],
    );
    return rows[0]?.id ?? null;
  }

  async byAgent(agentId: string): Promise<HookRow | null> {
    const rows: HookRow[] = await this.ds.query(`SELECT * FROM agents.agent_hooks WHERE agent_id = $1`, [agentId]);
    return rows[0] ?? null;
  }

  async byId(id: string): Promise<HookRow | null> {
    const rows: HookRow[] = await this.ds.query(`SELECT * FROM agents.agent_hooks WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Creates the agent's hook unless it has one already (two first reads at once get the same hook). */
  async createIfMissing(h: Omit<HookRow, 'created_at' | 'rotated_at'>): Promise<HookRow> {
    await this.ds.query(
      `INSERT INTO agents.agent_hooks (id, agent_id, workspace_id, key_sha256, key_sealed, secret_sealed)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agent_id) DO NOTHING`,
      [h.id, h.agent_id, h.workspace_id, h.key_sha256, h.key_sealed, h.secret_sealed],
    );
    return (await this.byAgent(h.agent_id))!;
  }

  async rotate(agentId: string, keySha: string, keySealed: string, secretSealed: string): Promise<HookRow | null> {
    const rows: HookRow[] = await this.ds.query(
      `WITH r AS (
         UPDATE agents.agent_hooks SET key_sha256 = $2, key_sealed = $3, secret_sealed = $4, rotated_at = now() WHERE agent_id = $1 RETURNING *
       ) SELECT * FROM r`,
      [agentId, keySha, keySealed, secretSealed],
    );
    return rows[0] ?? null;
  }
}
