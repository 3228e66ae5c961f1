import { ServiceConfig, toBool } from '@agentry/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsString, IsUrl, Max, MinLength, Min, NotEquals, ValidateIf } from 'class-validator';

export const DEVELOPMENT_APPROVAL_LINK_SECRET = 'agentry-development-approval-link-secret';

export class ExecutionsConfig extends ServiceConfig {
  /** Runs one process executes at once (they mostly wait on I/O). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  WORKER_CONCURRENCY: number = 200;

  /** How long a claim on a run lasts without a heartbeat; a dead holder's runs are taken over after it. */
  @IsInt()
  @Min(500)
  @Max(600_000)
  CLAIM_TTL_MS: number = 30_000;

  /** Safety-net poll for due work; normal latency comes from NATS wake-ups and local timers. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  POLL_INTERVAL_MS: number = 1_000;

  /** Runs claimed per claim query. */
  @IsInt()
  @Min(1)
  @Max(1_000)
  CLAIM_BATCH_SIZE: number = 100;

  /** Outbound `http` steps may reach private, loopback and link-local addresses (tests, trusted networks). */
  @Transform(toBool)
  @IsBoolean()
  AGENTRY_ALLOW_PRIVATE_NETWORKS: boolean = false;

  /** Largest `http` step response body kept as output. */
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  HTTP_MAX_RESPONSE_BYTES: number = 1024 * 1024;

  /** Default `http` step timeout when neither `with.timeout_ms` nor the step's `timeout_ms` is set. */
  @IsInt()
  @Min(100)
  @Max(300_000)
  HTTP_DEFAULT_TIMEOUT_MS: number = 30_000;

  /** Public base URL of the gateway, for the signed approval links. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL: string = 'http://localhost:3000';

  /** HMAC key of the approval links; required in production (a fixed, public development key otherwise). */
  @IsString()
  @MinLength(16)
  @ValidateIf((c: ExecutionsConfig) => c.NODE_ENV === 'production')
  @NotEquals(DEVELOPMENT_APPROVAL_LINK_SECRET, {
    message: 'must be set to a secret of your own when NODE_ENV=production (`openssl rand -base64 32`)',
  })
  APPROVAL_LINK_SECRET: string = DEVELOPMENT_APPROVAL_LINK_SECRET;

  /** How long `agents` read-model entries stay cached in process (invalidated at once by broadcasts). */
  @IsInt()
  @Min(0)
  @Max(600_000)
  AGENT_CACHE_TTL_MS: number = 10_000;
}
