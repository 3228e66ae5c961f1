import { KEYRING_PATTERN, ServiceConfig } from '@agentry/common';
import { IsDefined, IsString, Matches, ValidateIf } from 'class-validator';

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

  /**
   * Earlier HOOK_SECRETS_KEY values (comma-separated), still read while a start-up sweep re-seals what they sealed
   * under the current key. To rotate: first add the new key here everywhere, then make it HOOK_SECRETS_KEY with the
   * old one here, then drop the old one once a start logs that no value is left under it.
   */
  @IsString()
  @Matches(KEYRING_PATTERN, { message: 'must be base64 keys of exactly 32 bytes, comma-separated' })
  HOOK_SECRETS_KEYRING: string = '';
}
