import { ToolDefinition } from '../../tool';
import { CONNECTION_REQUEST_SCHEMA, connectionRequest } from './connection-request';

export const httpBasicRequestTool: ToolDefinition = {
  name: 'http_basic.request',
  description: "Send an HTTP request to the connection's API (path relative to its base_url) with its username and password.",
  platform: 'http_basic',
  inputSchema: CONNECTION_REQUEST_SCHEMA,
  execute(args, ctx) {
    const credentials = Buffer.from(`${String(ctx.config.username)}:${String(ctx.config.password ?? '')}`, 'utf8').toString('base64');
    return connectionRequest('The HTTP API', args, ctx, { authorization: `Basic ${credentials}` });
  },
};
