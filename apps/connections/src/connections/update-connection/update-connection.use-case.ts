import { ConnectionView, RpcContext, UpdateConnectionRequest } from '@agentry/contracts';
import { isId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigValidator } from '../../platforms/config-validator';
import { PlatformRegistry } from '../../platforms/platform-registry';
import { ConnectionVault } from '../connection-vault';
import { ConnectionsError } from '../connections.errors';
import { ConnectionsRepository, toConnectionView } from '../connections.repository';

/** `patch` over `base`: a null removes the field. */
export function mergeConfig(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

@Injectable()
export class UpdateConnectionUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ConnectionsRepository,
    private readonly registry: PlatformRegistry,
    private readonly validator: ConfigValidator,
    private readonly vault: ConnectionVault,
  ) {}

  async execute(ctx: RpcContext, id: string, patch: UpdateConnectionRequest): Promise<ConnectionView> {
    if (!isId('con', id)) throw ConnectionsError.notFound(id);
    const connection = await this.ds.transaction(async (m) => {
      const current = await this.repo.find(ctx.workspace_id, id, m, true);
      if (!current) throw ConnectionsError.notFound(id);
      if (patch.name !== undefined) current.name = patch.name;
      if (patch.config !== undefined) {
        const platform = this.registry.require(current.platform);
        const merged = mergeConfig(this.vault.open(current).config, patch.config);
        this.validator.validate(platform, merged);
        this.vault.seal(current, platform, merged);
        // New credentials have not been tested yet.
        Object.assign(current, { status: 'untested', errorMessage: null, failureReason: null, revision: current.revision + 1 });
      }
      current.updatedAt = new Date();
      await this.repo.save(m, current);
      return current;
    });
    return toConnectionView(connection);
  }
}
