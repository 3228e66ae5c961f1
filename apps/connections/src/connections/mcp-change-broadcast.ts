import { LOGGER, Logger, NATS, NatsHandles } from '@agentry/common';
import { ConnectionsInternal, McpChangedMessage } from '@agentry/contracts';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Tells every connections replica, this one included, that an MCP connection's tools or config
 * changed, so none keeps answering from its own cache (McpSessionPool.changed). Like the executions
 * service's `executions.agent_changed`: core NATS, no delivery guarantee; the tools TTL stays the net.
 */
@Injectable()
export class McpChangeBroadcast {
  constructor(
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Resolves once NATS has routed the message (a flush), so it is on its way to every replica, and
   * handled by this one, before the caller answers. Never throws: the change itself is already saved.
   */
  async announce(connectionId: string, drop: McpChangedMessage['drop']): Promise<void> {
    if (this.nats.nc.isClosed()) return;
    const message: McpChangedMessage = { connection_id: connectionId, drop };
    try {
      this.nats.nc.publish(ConnectionsInternal.mcpChanged, JSON.stringify(message));
      await this.nats.nc.flush();
    } catch (err) {
      this.logger.warn({ connection_id: connectionId, err: (err as Error).message }, 'could not tell the replicas about an MCP change');
    }
  }
}
