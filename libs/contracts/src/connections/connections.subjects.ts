import type { Page } from '../pagination';
import type {
  ConnectionDisconnectedEventData,
  ConnectionRef,
  ConnectionTestView,
  ConnectionView,
  CreateConnectionRequest,
  ListConnectionsQuery,
  PlatformRef,
  PlatformView,
  ReportAuthFailureReply,
  ReportAuthFailureRequest,
  ResolveConnectionRequest,
  ResolvedConnection,
  TestConnectionConfigRequest,
  UpdateConnectionMessage,
} from './connections.dto';

export const ConnectionsRpc = {
  listPlatforms: 'connections.platforms.list',
  getPlatform: 'connections.platforms.get',
  create: 'connections.create',
  list: 'connections.list',
  get: 'connections.get',
  update: 'connections.update',
  delete: 'connections.delete',
  test: 'connections.test',
  testConfig: 'connections.test_config',
  /** Service-to-service only: the decrypted config. The gateway never exposes it. */
  resolve: 'connections.resolve',
  /** Service-to-service only: a call with a resolved connection was refused as unauthenticated. */
  reportAuthFailure: 'connections.report_auth_failure',
} as const;

export interface ConnectionsRpcMap {
  'connections.platforms.list': { req: Record<string, never>; res: { data: PlatformView[] } };
  'connections.platforms.get': { req: PlatformRef; res: PlatformView };
  'connections.create': { req: CreateConnectionRequest; res: ConnectionView };
  'connections.list': { req: ListConnectionsQuery; res: Page<ConnectionView> };
  'connections.get': { req: ConnectionRef; res: ConnectionView };
  'connections.update': { req: UpdateConnectionMessage; res: ConnectionView };
  'connections.delete': { req: ConnectionRef; res: { id: string; deleted: true } };
  'connections.test': { req: ConnectionRef; res: ConnectionTestView };
  'connections.test_config': { req: TestConnectionConfigRequest; res: ConnectionTestView };
  'connections.resolve': { req: ResolveConnectionRequest; res: ResolvedConnection };
  'connections.report_auth_failure': { req: ReportAuthFailureRequest; res: ReportAuthFailureReply };
}

export const ConnectionsEvents = {
  disconnected: 'agentry.connections.disconnected',
} as const;

export interface ConnectionsEventMap {
  'agentry.connections.disconnected': ConnectionDisconnectedEventData;
}

/** Core NATS subjects between connections replicas (not part of the public contract). */
export const ConnectionsInternal = {
  /**
   * Broadcast when an MCP connection's tools may have changed (a refresh was asked for, or the
   * connection was updated, deleted or tested), so every replica drops what it cached for it.
   */
  mcpChanged: 'connections.mcp_changed',
} as const;

/**
 * `connections.mcp_changed`: `tools` drops the cached tool list (the session stays open);
 * `session` closes the session too (its config changed, or the connection is gone).
 */
export interface McpChangedMessage {
  connection_id: string;
  drop: 'tools' | 'session';
}
