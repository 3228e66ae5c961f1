import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';

/** Reads the raw env string: implicit conversion would already have turned "false" into true. */
const toBool = ({ obj, key, value }: { obj: Record<string, unknown>; key: string; value: unknown }) => {
  const raw = obj[key];
  return typeof raw === 'string' ? raw === 'true' || raw === '1' : value;
};

/** Settings every service reads. Services extend it with their own. */
export class ServiceConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/agentry';

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @IsString()
  @Matches(/^(nats|tls|ws|wss):\/\//, { message: 'must be a nats:// URL' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  /** This service's NATS user (deploy/nats/auth.conf); empty: connect without one. */
  @IsString()
  @Matches(/^$|^[A-Za-z0-9_-]+$/, { message: 'must be letters, digits, _ or -' })
  NATS_USER: string = '';

  /** The NATS user's password; required with NATS_USER. */
  @ValidateIf((c: ServiceConfig) => c.NATS_USER !== '')
  @IsString()
  @MinLength(8, { message: 'must be set (8 or more characters) when NATS_USER is' })
  NATS_PASSWORD: string = '';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** HTTP port for /health and /metrics (the gateway: the public API). */
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 0;

  @IsString()
  HOST: string = '0.0.0.0';

  /** Run this service's migrations at start (the default; deploy jobs may run them instead). */
  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN: boolean = true;

  /** Publish outbox events to JetStream from this process. */
  @Transform(toBool)
  @IsBoolean()
  OUTBOX_RELAY_ENABLED: boolean = true;

  /** How long in-flight work may take to finish on SIGTERM. */
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 10_000;
}

export { toBool };
