import { ServiceConfig } from '@agentry/common';
import { IsDefined, Matches, ValidateIf } from 'class-validator';

/** The hooks feature's own settings, read beside AgentsConfig. */
export class HooksConfig extends ServiceConfig {
  /**
   * Base64 of 32 bytes: hook keys and signing secrets are stored encrypted with a key derived from it (its own
   * key, so the connections master key stays with the connections service). Required in production; a fixed,
   * public development key otherwise.
   */
  @ValidateIf((c: HooksConfig) => c.NODE_ENV === 'production' || c.HOOK_SECRETS_KEY !== undefined)
  @IsDefined({ message: 'is required when NODE_ENV=production (base64 of 32 random bytes: `openssl rand -base64 32`)' })
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be base64 of exactly 32 bytes' })
  HOOK_SECRETS_KEY?: string;
}
