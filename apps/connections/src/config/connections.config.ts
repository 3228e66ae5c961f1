import { ServiceConfig, toBool } from '@agentry/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsInt, IsOptional, IsString, Matches, Max, Min, Validate, ValidateIf } from 'class-validator';
import { MasterKeyFormat, MasterKeyringFormat, NotTheDevelopmentKey } from '../crypto/master-key.validators';

export const MAKE_A_KEY =
  "make one with `openssl rand -base64 32` (or `node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"`)";

export class ConnectionsConfig extends ServiceConfig {
  /**
   * Base64 of 32 random bytes: wraps every connection's data key. Required in production; in
   * development and test a fixed, publicly known key is used instead, with a warning at start.
   */
  @ValidateIf((c: ConnectionsConfig) => c.NODE_ENV === 'production' || c.AGENTRY_MASTER_KEY !== undefined)
  @IsDefined({ message: `is required when NODE_ENV=production: ${MAKE_A_KEY}` })
  @Validate(MasterKeyFormat)
  @Validate(NotTheDevelopmentKey)
  AGENTRY_MASTER_KEY?: string;

  /** Name of the master key, stored with each record; default: a fingerprint of the key. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1–64 letters, digits, dots, dashes or underscores' })
  @IsOptional()
  AGENTRY_MASTER_KEY_ID?: string;

  /** Earlier master keys, still accepted for reading during a rotation: `id:base64,id:base64` (or bare base64). */
  @Validate(MasterKeyringFormat)
  @IsOptional()
  AGENTRY_MASTER_KEYRING?: string;

  /** Let connection tests reach loopback and private networks (local Ollama, tests against fakes). */
  @Transform(toBool)
  @IsBoolean()
  AGENTRY_ALLOW_PRIVATE_NETWORKS: boolean = false;

  /** Budget of one connection test; keep it below the gateway's RPC_TIMEOUT_MS. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  CONNECTION_TEST_TIMEOUT_MS: number = 5_000;

  /** Default budget of one tool call (`timeout_ms` in the request may ask for another, up to 120 s). */
  @IsInt()
  @Min(100)
  @Max(120_000)
  TOOL_CALL_TIMEOUT_MS: number = 30_000;

  /** Budget of connecting to an MCP server and listing its tools. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  MCP_LIST_TIMEOUT_MS: number = 10_000;

  /** Cached MCP tool lists are asked for again after this long, even without a list_changed notification. */
  @IsInt()
  @Min(1_000)
  MCP_TOOLS_TTL_MS: number = 300_000;

  /**
   * Largest answer of an MCP server: a JSON reply or one request's event stream (on the long-lived
   * notification stream, the largest single event). Larger ones fail the call and close the session.
   */
  @IsInt()
  @Min(64 * 1024)
  @Max(256 * 1024 * 1024)
  MCP_MAX_RESPONSE_BYTES: number = 4 * 1024 * 1024;

  /** An MCP session unused this long is closed. */
  @IsInt()
  @Min(1_000)
  MCP_SESSION_IDLE_MS: number = 600_000;
}
