import type { CallToolMessage, ListToolsQuery, ToolCallView, ToolView } from './tools.dto';

export const ToolsRpc = {
  list: 'tools.list',
  /** From the gateway (`POST /v1/tools/call`) and from the executions engine (`tool` and `agent` steps). */
  call: 'tools.call',
} as const;

export interface ToolsRpcMap {
  'tools.list': { req: ListToolsQuery; res: { data: ToolView[] } };
  'tools.call': { req: CallToolMessage; res: ToolCallView };
}

/** Core NATS subject of one streamed call's progress (not durable: the gateway subscribes before it calls). */
export const toolProgressSubject = (streamId: string) => `tools.progress.${streamId}`;
