import type { OutboundResponse } from '@agentry/common';
import { Platform, TestOutcome } from '../platform';
import { configSchema, httpFailure, httpUrl, isSuccess, secretString } from '../schema-parts';

export const MCP_PROTOCOL_VERSION = '2025-06-18';

interface JsonRpcReply {
  id?: unknown;
  result?: { protocolVersion?: string; serverInfo?: { name?: string; version?: string }; capabilities?: Record<string, unknown> };
  error?: { code?: number; message?: string };
}

/** The initialize reply, from a JSON body or from the first matching event of an SSE stream. */
export function readInitializeReply(res: OutboundResponse): JsonRpcReply | undefined {
  if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
    for (const event of res.text().split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      try {
        const msg = JSON.parse(data) as JsonRpcReply;
        if (msg.id === 1) return msg;
      } catch {
        // not JSON: keep reading
      }
    }
    return undefined;
  }
  return res.json<JsonRpcReply>();
}

/** A Model Context Protocol server over Streamable HTTP; its tools are listed from the server. */
export const mcpPlatform: Platform = {
  id: 'mcp',
  name: 'MCP server',
  description: 'A Model Context Protocol server over Streamable HTTP. Its tools (tools/list) join the tool catalog.',
  authType: 'bearer',
  configSchema: configSchema(
    'MCP server (Streamable HTTP)',
    {
      url: httpUrl('The MCP endpoint, e.g. https://mcp.example.com/mcp'),
      auth_token: secretString('Sent as `Authorization: Bearer <token>` when set'),
      headers: {
        type: 'object',
        description: 'More headers for every request (API keys of servers that want their own header)',
        maxProperties: 20,
        propertyNames: { pattern: '^[A-Za-z0-9-]{1,100}$' },
        additionalProperties: { type: 'string', maxLength: 4096, pattern: '^[^\\r\\n]*$' },
        'x-secret': true,
        writeOnly: true,
      },
    },
    ['url'],
  ),
  testEndpoint: 'POST {url} (JSON-RPC initialize)',
  tools: [],
  dynamicTools: true,
  async test(config, http): Promise<TestOutcome> {
    const headers: Record<string, string> = {
      ...((config.headers as Record<string, string> | undefined) ?? {}),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    if (config.auth_token) headers.authorization = `Bearer ${String(config.auth_token)}`;
    const url = String(config.url);
    const res = await http(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: MCP_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'agentry', version: '0.1.0' } },
      }),
    });
    if (!isSuccess(res)) return httpFailure('The MCP server', res);
    const reply = readInitializeReply(res);
    if (!reply) return { ok: false, reason: 'unexpected', message: 'The MCP server did not answer initialize with JSON-RPC' };
    if (reply.error)
      return {
        ok: false,
        reason: 'unexpected',
        message: `The MCP server refused initialize: ${String(reply.error.message ?? reply.error.code).slice(0, 200)}`,
      };
    const session = res.headers['mcp-session-id'];
    // Close the session we opened; a server that does not support it answers 405, which is fine.
    if (session) await http(url, { method: 'DELETE', headers: { ...headers, 'mcp-session-id': session } }).catch(() => undefined);
    const info = reply.result?.serverInfo ?? {};
    return { ok: true, identity: { server: info.name, version: info.version, protocol_version: reply.result?.protocolVersion } };
  },
};
