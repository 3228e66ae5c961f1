import { ToolDefinition } from '../../tool';
import { CONNECTION_REQUEST_SCHEMA, connectionRequest } from './connection-request';

export const httpBearerRequestTool: ToolDefinition = {
  name: 'http_bearer.request',
  description: "Send an HTTP request to the connection's API (path relative to its base_url) with its token.",
  platform: 'http_bearer',
  inputSchema: CONNECTION_REQUEST_SCHEMA,
  execute(args, ctx) {
    const c = ctx.config;
    const scheme = String(c.scheme ?? '');
    return connectionRequest('The HTTP API', args, ctx, {
      [String(c.header ?? 'Authorization').toLowerCase()]: scheme ? `${scheme} ${String(c.token)}` : String(c.token),
    });
  },
};
