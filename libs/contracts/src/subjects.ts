import type { AgentsEventMap, AgentsRpcMap } from './agents/agents.subjects';
import type { ExecutionsEventMap, ExecutionsRpcMap } from './executions/executions.subjects';
import type { HooksRpcMap } from './hooks/hooks.subjects';
import type { ConnectionsEventMap, ConnectionsRpcMap } from './connections/connections.subjects';
import type { WebhooksEventMap, WebhooksRpcMap } from './webhooks/webhooks.subjects';
import type { SchedulesEventMap, SchedulesRpcMap } from './schedules/schedules.subjects';
import type { ToolsRpcMap } from './tools/tools.subjects';

/** Every request/reply subject with its request and response types. Add a service's map here. */
export interface RpcMap
  extends AgentsRpcMap, ExecutionsRpcMap, HooksRpcMap, ConnectionsRpcMap, WebhooksRpcMap, SchedulesRpcMap, ToolsRpcMap {}
export type RpcSubject = keyof RpcMap;
export type RpcReq<S extends RpcSubject> = RpcMap[S]['req'];
export type RpcRes<S extends RpcSubject> = RpcMap[S]['res'];

/** Every domain event subject with its data type. Add a service's map here. */
export interface EventMap extends AgentsEventMap, ExecutionsEventMap, ConnectionsEventMap, WebhooksEventMap, SchedulesEventMap {}
export type EventSubject = keyof EventMap;
