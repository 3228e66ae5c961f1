import { AuthFailureSource, ConnectionsEvents, ConnectionStatus } from '@agentry/contracts';
import { Outbox } from '@agentry/common';
import { EntityManager } from 'typeorm';
import { ConnectionEntity } from './connection.entity';

/** `agentry.connections.disconnected` for a connection that has just been marked error or expired, in the caller's transaction. */
export function addDisconnectedEvent(
  outbox: Outbox,
  m: EntityManager,
  row: ConnectionEntity,
  previousStatus: ConnectionStatus,
  at: string,
  detectedBy: AuthFailureSource,
): Promise<unknown> {
  return outbox.add(m, ConnectionsEvents.disconnected, row.workspaceId, {
    connection_id: row.id,
    platform: row.platform,
    name: row.name,
    status: row.status as 'error' | 'expired',
    previous_status: previousStatus,
    error_message: row.errorMessage ?? '',
    tested_at: at,
    detected_by: detectedBy,
  });
}
