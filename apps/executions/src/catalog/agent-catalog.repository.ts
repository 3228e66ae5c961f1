import type { AgentDefinitionDto, AgentEventData, AgentStatus } from '@agentry/contracts';
import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface AgentRow {
  id: string;
  workspace_id: string;
  slug: string;
  status: AgentStatus;
  version: number;
  max_concurrency: number;
  max_tokens_per_run: number | null;
  llm: { model?: string; connection_id?: string } | null;
  full_state: boolean;
  has_version: boolean;
}

/** The full state of an agent, from an event or from `agents.get`. */
export interface AgentState {
  agent_id: string;
  workspace_id: string;
  slug: string;
  status: AgentStatus;
  version: number;
  name?: string;
  definition: AgentDefinitionDto;
  llm?: unknown;
  max_concurrency: number;
  max_tokens_per_run: number | null;
}

/**
 * The executions service's read model of agents (never the agents service's tables): filled by
 * agents events, and by `agents.get` for an agent whose event has not arrived yet. A write applies
 * only when it is at least as new as what is stored (`synced_at`), and never revives a deleted agent.
 */
@Injectable()
export class AgentCatalogRepository {
  constructor(private readonly ds: DataSource) {}

  async find(workspaceId: string, ref: string): Promise<AgentRow | null> {
    const byId = isId('agt', ref);
    const rows: AgentRow[] = await this.ds.query(
      `SELECT a.id, a.workspace_id, a.slug, a.status, a.version, a.max_concurrency, a.max_tokens_per_run, a.llm, a.full_state,
              (v.agent_id IS NOT NULL) AS has_version
         FROM executions.agents a
         LEFT JOIN executions.agent_versions v ON v.agent_id = a.id AND v.version = a.version
        WHERE a.workspace_id = $1 AND ${byId ? 'a.id' : 'a.slug'} = $2 AND NOT a.deleted
        ORDER BY a.synced_at DESC LIMIT 1`,
      [workspaceId, ref],
    );
    return rows[0] ?? null;
  }

  async isDeleted(agentId: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM executions.agents WHERE id = $1 AND deleted`, [agentId]);
    return rows.length > 0;
  }

  async saveFull(s: AgentState, syncedAt: string, m: EntityManager = this.ds.manager): Promise<void> {
    await m.query(
      `INSERT INTO executions.agents AS a (id, workspace_id, slug, name, status, version, max_concurrency, max_tokens_per_run, llm, full_state, synced_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, true, $10)
       ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, name = excluded.name, status = excluded.status, version = excluded.version,
         max_concurrency = excluded.max_concurrency, max_tokens_per_run = excluded.max_tokens_per_run, llm = excluded.llm,
         full_state = true, synced_at = excluded.synced_at
       WHERE a.synced_at <= excluded.synced_at AND NOT a.deleted`,
      [
        s.agent_id,
        s.workspace_id,
        s.slug,
        s.name ?? null,
        s.status,
        s.version,
        s.max_concurrency,
        s.max_tokens_per_run,
        JSON.stringify(s.llm ?? null),
        syncedAt,
      ],
    );
    await m.query(
      `INSERT INTO executions.agent_versions (agent_id, version, definition) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING`,
      [s.agent_id, s.version, JSON.stringify(s.definition)],
    );
  }

  /** An event without the definition: identity and status only, and the rest must be fetched again. */
  async savePartial(workspaceId: string, d: AgentEventData, syncedAt: string, m: EntityManager): Promise<void> {
    await m.query(
      `INSERT INTO executions.agents AS a (id, workspace_id, slug, status, version, full_state, synced_at)
       VALUES ($1, $2, $3, $4, $5, false, $6)
       ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, status = excluded.status, version = excluded.version,
         full_state = false, synced_at = excluded.synced_at
       WHERE a.synced_at <= excluded.synced_at AND NOT a.deleted`,
      [d.agent_id, workspaceId, d.slug, d.status, d.version, syncedAt],
    );
  }

  /** Tombstones the agent and deletes its runs (steps, logs and approvals cascade). */
  async delete(workspaceId: string, d: AgentEventData, syncedAt: string, m: EntityManager): Promise<number> {
    await m.query(
      `INSERT INTO executions.agents AS a (id, workspace_id, slug, status, version, deleted, synced_at)
       VALUES ($1, $2, $3, $4, $5, true, $6)
       ON CONFLICT (id) DO UPDATE SET deleted = true, synced_at = greatest(a.synced_at, excluded.synced_at)`,
      [d.agent_id, workspaceId, d.slug, d.status, d.version, syncedAt],
    );
    await m.query(`DELETE FROM executions.agent_versions WHERE agent_id = $1`, [d.agent_id]);
    const res: [unknown[], number] = await m.query(`DELETE FROM executions.executions WHERE workspace_id = $1 AND agent_id = $2`, [
      workspaceId,
      d.agent_id,
    ]);
    return Array.isArray(res) ? Number(res[1] ?? 0) : 0;
  }

  async definition(agentId: string, version: number): Promise<AgentDefinitionDto | null> {
    const rows: { definition: AgentDefinitionDto }[] = await this.ds.query(
      `SELECT definition FROM executions.agent_versions WHERE agent_id = $1 AND version = $2`,
      [agentId, version],
    );
    return rows[0]?.definition ?? null;
  }
}
