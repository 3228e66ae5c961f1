import type { OutboundPolicy, OutboundResponse } from '@agentry/common';
import type { ToolSource } from '@agentry/contracts';
import type { JsonSchema } from '../platforms/platform';

export interface ToolHttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  headers?: Record<string, string>;
  body?: string;
  /** Sent as JSON with `content-type: application/json`. */
  json?: unknown;
}

/** Outbound HTTP through the SSRF guard, within the call's remaining budget. Throws OutboundError. */
export type ToolHttp = (url: string, init?: ToolHttpRequest) => Promise<OutboundResponse>;

export interface ToolProgress {
  message?: string;
  progress?: number;
  total?: number;
}

export interface ToolContext {
  /** The connection's decrypted config with the schema defaults filled in; `{}` for built-in tools. */
  config: Record<string, unknown>;
  http: ToolHttp;
  /** For tools that make their calls through another client (the model providers of @agentry/ai). */
  policy: OutboundPolicy;
  /** When the call's budget runs out (ms since the epoch). */
  deadline: number;
  signal: AbortSignal;
  progress(p: ToolProgress): void;
}

/** What a tool returns: its output, and whether the tool itself reported a failure (the caller, often a model, reads it). */
export interface ToolResult {
  output: unknown;
  isError?: boolean;
}

/** A tool Agentry implements: a built-in one (no connection) or one per platform, acting with a connection. */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the arguments; validated before `execute`. */
  inputSchema: JsonSchema;
  /** The platform whose connection the tool acts with; none for built-in tools. */
  platform?: string;
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult>;
}

/** A tool as the catalog shows it, wherever it comes from (MCP tools included). */
export interface CatalogTool {
  name: string;
  description: string;
  source: ToolSource;
  platform: string | null;
  connectionId: string | null;
  connectionName: string | null;
  inputSchema: JsonSchema;
  available: boolean;
}

/** An object schema with `additionalProperties: false`, so a typo in an argument name is a 400, not silently ignored. */
export function objectSchema(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', additionalProperties: false, required, properties };
}
