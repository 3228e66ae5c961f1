import type { OutboundResponse } from '@agentry/common';
import type { PlatformAuthType } from '@agentry/contracts';

export interface PlatformTool {
  name: string;
  description: string;
}

export type JsonSchema = Record<string, unknown>;

/** How a platform reached its identity endpoint; the tester turns it into a status. */
export type TestOutcome =
  | { ok: true; identity: Record<string, unknown> }
  /** `auth`: credentials refused (401/403, Slack's invalid_auth…); `expired`: refused as expired. */
  | { ok: false; reason: 'auth' | 'expired' | 'unexpected'; message: string };

export interface PlatformRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

/** Outbound HTTP with the SSRF guard and the test budget already applied. Throws OutboundError. */
export type PlatformHttp = (url: string, init?: PlatformRequest) => Promise<OutboundResponse>;

/** One integration: what its config looks like, what it offers, and how to check its credentials. */
export interface Platform {
  id: string;
  name: string;
  description: string;
  authType: PlatformAuthType;
  /** JSON Schema 2020-12; secret fields carry `x-secret: true` (and `writeOnly: true`). */
  configSchema: JsonSchema;
  /** What `test` calls, for the docs: `GET /user`. */
  testEndpoint: string;
  tools: PlatformTool[];
  /** The tools come from the server at run time (MCP). */
  dynamicTools?: boolean;
  /** Secrets the platform builds from the config (HTTP Basic's base64 `user:password`), scrubbed like the fields themselves. */
  derivedSecrets?(config: Record<string, unknown>): string[];
  /** Calls the platform's identity endpoint; `config` has the schema's defaults applied. */
  test(config: Record<string, unknown>, http: PlatformHttp): Promise<TestOutcome>;
}

/** `base` + `path` with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
