import { ServiceConfig } from '@agentry/common';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateBy } from 'class-validator';
import { parseTrustProxy, TRUST_PROXY_HELP } from '../http/trust-proxy';

const IsTrustProxy = () =>
  ValidateBy({
    name: 'isTrustProxy',
    validator: { validate: (v) => typeof v === 'string' && parseTrustProxy(v) !== null, defaultMessage: () => TRUST_PROXY_HELP },
  });

export class GatewayConfig extends ServiceConfig {
  override PORT: number = 3000;

  /** Instance admin key; the gateway ensures workspace `default` with this key. */
  @IsString()
  @Matches(/^[A-Za-z0-9_\-]{20,200}$/, { message: 'must be 20–200 characters of letters, digits, _ or -' })
  @IsOptional()
  AGENTRY_BOOTSTRAP_API_KEY?: string;

  /** Largest accepted request body. */
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  /** How long the gateway waits for a service's reply. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  RPC_TIMEOUT_MS: number = 10_000;

  /** Public base URL, used in links the API returns (hook URLs, approval links). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL: string = 'http://localhost:3000';

  /** Seconds an authenticated key stays cached in a gateway process (revocation reaches other replicas within it). */
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_CACHE_TTL_SECONDS: number = 10;

  /**
   * Whose X-Forwarded-For to believe for the client address (the failed-auth budget per address): `false` (the
   * socket's peer), `true` (anyone: only behind a proxy all traffic goes through), or the proxies'
   * addresses or CIDR ranges (`10.0.0.0/8,loopback`): see http/trust-proxy.ts.
   */
  @IsTrustProxy()
  GATEWAY_TRUST_PROXY: string = 'false';

  /**
   * Failed authentications (401) one client address may cause per minute in a gateway process; past it,
   * requests from there get 429 without a database read, except with a key this process knows is valid.
   * 0 turns the limit off.
   */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  AUTH_FAILURES_PER_MINUTE: number = 30;
}
