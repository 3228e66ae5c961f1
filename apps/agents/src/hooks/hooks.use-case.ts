import { HookView, ResolvedHook, RpcContext } from '@agentry/contracts';
import { AppError, newId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { HookSecrets } from './hook-secrets';
import { HookRow, HooksRepository } from './hooks.repository';

/**
 * Inbound hooks (SPEC §3): every agent has one, made on first read. `get` and `rotate` show the key and
 * signing secret; `resolve` gives the gateway what it needs to authenticate a call (never a client).
 */
@Injectable()
export class HooksUseCase {
  constructor(
    private readonly repo: HooksRepository,
    private readonly secrets: HookSecrets,
  ) {}

  async get(ctx: RpcContext, ref: string): Promise<HookView> {
    const agentId = await this.agent(ctx, ref);
    const existing = await this.repo.byAgent(agentId);
    if (existing) return this.view(existing);
    const key = this.secrets.newKey();
    const row = await this.repo.createIfMissing({
      id: newId('hook'),
      agent_id: agentId,
      workspace_id: ctx.workspace_id,
      key_sha256: HookSecrets.sha256(key),
      key_sealed: this.secrets.encrypt(key),
      secret_sealed: this.secrets.encrypt(this.secrets.newSigningSecret()),
    });
    return this.view(row);
  }

  async rotate(ctx: RpcContext, ref: string): Promise<HookView> {
    await this.get(ctx, ref);
    const agentId = await this.agent(ctx, ref);
    const key = this.secrets.newKey();
    const row = await this.repo.rotate(
      agentId,
      HookSecrets.sha256(key),
      this.secrets.encrypt(key),
      this.secrets.encrypt(this.secrets.newSigningSecret()),
    );
    return this.view(row!);
  }

  async resolve(hookId: string): Promise<ResolvedHook> {
    const row = await this.repo.byId(hookId);
    if (!row) throw AppError.notFound('Hook', hookId);
    return {
      hook_id: row.id,
      workspace_id: row.workspace_id,
      agent_id: row.agent_id,
      key_sha256: row.key_sha256,
      signing_secret: this.secrets.decrypt(row.secret_sealed),
    };
  }

  private async agent(ctx: RpcContext, ref: string): Promise<string> {
    const id = await this.repo.agentId(ctx.workspace_id, ref);
    if (!id) throw AppError.notFound('Agent', ref);
    return id;
  }

  /** `url` is the path; the gateway puts its public base URL in front. */
  private view(row: HookRow): HookView {
    return {
      hook_id: row.id,
      agent_id: row.agent_id,
      url: `/v1/hooks/${row.id}`,
      key: this.secrets.decrypt(row.key_sealed),
      signing_secret: this.secrets.decrypt(row.secret_sealed),
      created_at: row.created_at.toISOString(),
      rotated_at: row.rotated_at?.toISOString() ?? null,
    };
  }
}
