import { KEYRING_PATTERN, ServiceConfig, toBool } from '@agentry/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsInt, IsNumber, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { DURATION_LIST_PATTERN } from '../delivery/retry-policy';

const DAY_MS = 24 * 3600 * 1000;

export class WebhooksConfig extends ServiceConfig {
  /** Let deliveries reach loopback and private networks (local receivers, tests). */
  @Transform(toBool)
  @IsBoolean()
  AGENTRY_ALLOW_PRIVATE_NETWORKS: boolean = false;

  /**
   * Delay before each attempt, comma-separated (`ms`, `s`, `m`, `h`, `d`): the first is the first
   * attempt, each next one the wait after a failure. Svix's schedule by default; tests compress it.
   */
  @Matches(DURATION_LIST_PATTERN, { message: 'must be comma-separated durations such as 0,5s,5m,30m,2h' })
  WEBHOOKS_RETRY_SCHEDULE: string = '0,5s,5m,30m,2h,5h,10h,10h';

  /** Each retry delay is spread by ± this fraction so retries of many messages do not arrive together. */
  @IsNumber()
  @Min(0)
  @Max(0.5)
  WEBHOOKS_RETRY_JITTER: number = 0.1;

  /** A Retry-After longer than this is capped (a receiver cannot park a delivery for days). */
  @IsInt()
  @Min(0)
  WEBHOOKS_MAX_RETRY_AFTER_MS: number = 6 * 3600 * 1000;

  /** Whole attempt: connect, send, response headers and body. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  WEBHOOKS_TIMEOUT_MS: number = 15_000;

  /** Attempts in flight from this replica, all endpoints together. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  WEBHOOKS_MAX_IN_FLIGHT: number = 256;

  /** Attempts in flight from this replica to one endpoint (one after a timeout, until it answers again). */
  @IsInt()
  @Min(1)
  @Max(1_000)
  WEBHOOKS_MAX_IN_FLIGHT_PER_ENDPOINT: number = 16;

  /** Consecutive failures (timeouts, network errors, 5xx, 429) that open an endpoint's circuit breaker. */
  @IsInt()
  @Min(1)
  @Max(1_000)
  WEBHOOKS_BREAKER_THRESHOLD: number = 5;

  /** How long a breaker stays open before one half-open probe. */
  @IsInt()
  @Min(10)
  WEBHOOKS_BREAKER_RESET_MS: number = 30_000;

  /** An endpoint failing without a single success for this long is disabled (5 days). */
  @IsInt()
  @Min(1_000)
  WEBHOOKS_DISABLE_AFTER_MS: number = 5 * DAY_MS;

  /** How long the previous secret keeps signing beside the new one after a rotation. */
  @IsInt()
  @Min(0)
  WEBHOOKS_SECRET_OVERLAP_MS: number = DAY_MS;

  /**
   * Base64 of 32 bytes: endpoint and callback signing secrets are stored encrypted with a key derived from it
   * (its own key, like HOOK_SECRETS_KEY in agents). Required in production; a fixed, public development key
   * otherwise, which the service warns about at start.
   */
  @ValidateIf((c: WebhooksConfig) => c.NODE_ENV === 'production' || c.WEBHOOK_SECRETS_KEY !== undefined)
  @IsDefined({ message: 'is required when NODE_ENV=production (base64 of 32 random bytes: `openssl rand -base64 32`)' })
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be base64 of exactly 32 bytes' })
  WEBHOOK_SECRETS_KEY?: string;

  /**
   * Earlier WEBHOOK_SECRETS_KEY values (comma-separated), still read while a start-up sweep re-seals what they
   * sealed under the current key. Rotation works as for HOOK_SECRETS_KEYRING: add the new key here, then swap.
   */
  @IsString()
  @Matches(KEYRING_PATTERN, { message: 'must be base64 keys of exactly 32 bytes, comma-separated' })
  WEBHOOK_SECRETS_KEYRING: string = '';

  /** Safety-net poll for due attempts; normal latency comes from in-process wake-ups. */
  @IsInt()
  @Min(10)
  @Max(60_000)
  WEBHOOKS_POLL_INTERVAL_MS: number = 500;

  /** Run the dispatcher in this process (a replica may only serve the API and consume events). */
  @Transform(toBool)
  @IsBoolean()
  WEBHOOKS_DISPATCHER_ENABLED: boolean = true;

  /** Largest message body; larger run outputs are left out of the payload (see docs). */
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024)
  WEBHOOKS_MAX_PAYLOAD_BYTES: number = 256 * 1024;

  /** Messages older than this are deleted with their deliveries and attempts. */
  @IsInt()
  @Min(1)
  WEBHOOKS_RETENTION_DAYS: number = 30;
}
