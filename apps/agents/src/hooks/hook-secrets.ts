import { keyringOf, loadConfig, SealedSecrets } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HooksConfig } from '../config/hooks.config';

const DEVELOPMENT_KEY = 'agentry-development-hook-secrets-key-do-not-use-in-production';

/** Hook credentials: generation, hashing, and AES-256-GCM at rest through `SealedSecrets` (a keyring). */
@Injectable()
export class HookSecrets {
  private readonly sealed: SealedSecrets;

  constructor() {
    const config = loadConfig(HooksConfig);
    const master = config.HOOK_SECRETS_KEY;
    const material = master ? Buffer.from(master, 'base64') : Buffer.from(DEVELOPMENT_KEY);
    this.sealed = SealedSecrets.derive('agentry-hooks', material, keyringOf(config.HOOK_SECRETS_KEYRING));
  }

  newKey(): string {
    return `hk_${randomBytes(24).toString('base64url')}`;
  }

  newSigningSecret(): string {
    return `hsec_${randomBytes(32).toString('base64url')}`;
  }

  static sha256(value: string): string {
    return createHash('sha256').update(value).digest('hex');
  }

  static sameHash(a: string, b: string): boolean {
    const x = Buffer.from(a, 'hex');
    const y = Buffer.from(b, 'hex');
    return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
  }

  encrypt(plain: string): string {
    return this.sealed.seal(plain);
  }

  decrypt(sealed: string): string {
    return this.sealed.open(sealed);
  }

  /** Whether HOOK_SECRETS_KEYRING holds older keys. */
  get rotating(): boolean {
    return this.sealed.hasOlderKeys;
  }

  /** How a value that needs no re-sealing starts (the sweep finds the others in SQL). */
  get currentPrefixes(): string[] {
    return this.sealed.currentPrefixes;
  }

  /** The value sealed under the current key: as it is when it already is, else opened and sealed again. */
  resealed(sealed: string): string {
    return this.sealed.resealed(sealed);
  }
}
