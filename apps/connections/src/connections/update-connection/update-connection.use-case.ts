import { ConnectionView, RpcContext, UpdateConnectionRequest } from '@agentry/contracts';
import { AppError, isId } from '@agentry/common';
import { secretFieldsOf } from '../../platforms/secret-fields';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigValidator } from '../../platforms/config-validator';
import { PlatformRegistry } from '../../platforms/platform-registry';
import { ConnectionVault } from '../connection-vault';
import { ConnectionsError } from '../connections.errors';
import { ConnectionsRepository, toConnectionView } from '../connections.repository';
import { McpChangeBroadcast } from '../mcp-change-broadcast';

/** `patch` over `base`: a null removes the field. */
export function mergeConfig(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

const DESTINATION_FIELD = /(^|_)(url|uri|host|hostname|endpoint|domain)s?$/i;

/**
 * Secret fields that must be re-entered because the patch changes where the connection sends them:
 * otherwise anyone allowed to edit a connection could point it at their own server and have the
 * stored token delivered there by a connection test or a run.
 */
export function secretsToReenter(
  secretFields: string[],
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): { destination: string; missing: string[] } | null {
  const destination = Object.keys(patch).find((k) => DESTINATION_FIELD.test(k) && !secretFields.includes(k) && patch[k] !== current[k]);
  if (!destination) return null;
  const missing = secretFields.filter((f) => current[f] !== undefined && (patch[f] === undefined || patch[f] === null));
  return missing.length ? { destination, missing } : null;
}

@Injectable()
export class UpdateConnectionUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ConnectionsRepository,
    private readonly registry: PlatformRegistry,
    private readonly validator: ConfigValidator,
    private readonly vault: ConnectionVault,
    private readonly mcpChanges: McpChangeBroadcast,
  ) {}

  async execute(ctx: RpcContext, id: string, patch: UpdateConnectionRequest): Promise<ConnectionView> {
    if (!isId('con', id)) throw ConnectionsError.notFound(id);
    const connection = await this.ds.transaction(async (m) => {
      const current = await this.repo.find(ctx.workspace_id, id, m, true);
      if (!current) throw ConnectionsError.notFound(id);
      if (patch.name !== undefined) current.name = patch.name;
      if (patch.config !== undefined) {
        const platform = this.registry.require(current.platform);
        const stored = this.vault.open(current).config;
        const reenter = secretsToReenter(secretFieldsOf(platform.configSchema), stored, patch.config);
        if (reenter) {
          throw AppError.invalid(
            `Changing config.${reenter.destination} sends the credentials elsewhere: send ${reenter.missing.map((f) => `config.${f}`).join(', ')} again in the same request`,
            reenter.missing.map((f) => ({ field: `config.${f}`, reason: `required when config.${reenter.destination} changes` })),
          );
        }
        const merged = mergeConfig(stored, patch.config);
        this.validator.validate(platform, merged);
        this.vault.seal(current, platform, merged);
        // New credentials have not been tested yet.
        Object.assign(current, { status: 'untested', errorMessage: null, failureReason: null, revision: current.revision + 1 });
      }
      current.updatedAt = new Date();
      await this.repo.save(m, current);
      return current;
    });
    // Every replica closes the session opened with the old config (a rename changes nothing cached).
    if (patch.config !== undefined && connection.platform === 'mcp') await this.mcpChanges.announce(connection.id, 'session');
    return toConnectionView(connection);
  }
}
