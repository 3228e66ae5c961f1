import { keyringOf, LOGGER, Logger, SealedSecrets, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { WebhooksConfig } from '../config/webhooks.config';
import { activeSecrets, SigningSecrets } from './webhook-secret';

const DEVELOPMENT_KEY = 'agentry-development-webhook-secrets-key-do-not-use-in-production';
/** Opened secrets kept in memory, so signing a delivery costs a map lookup, not an AES-GCM open. */
const CACHE_SIZE = 10_000;

/** The record a secret belongs to: an endpoint, or (endpointId null) the workspace's run-callback signer. */
export interface SecretOwner {
  workspaceId: string;
  endpointId: string | null;
}

export interface SecretColumns {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** The AAD: a secret opens only in the row it was sealed for (same workspace, same endpoint or callback signer). */
function aadOf(owner: SecretOwner): string {
  return JSON.stringify(owner.endpointId ? ['endpoint', owner.workspaceId, owner.endpointId] : ['callback', owner.workspaceId]);
}

/**
 * Signing secrets at rest: AES-256-GCM under WEBHOOK_SECRETS_KEY (`SealedSecrets`, with the older keys of
 * WEBHOOK_SECRETS_KEYRING), bound to their row. A value that is not sealed is a plaintext from before encryption;
 * it is read as is until the start-up sweep (`SigningSecretsSweep`) seals it, as it does values under older keys.
 */
@Injectable()
export class SecretSealer {
  private readonly sealed: SealedSecrets;
  private readonly cache = new Map<string, string>();

  constructor(@Inject(SERVICE_CONFIG) config: WebhooksConfig, @Inject(LOGGER) logger: Logger) {
    const master = config.WEBHOOK_SECRETS_KEY;
    this.sealed = SealedSecrets.derive(
      'agentry-webhooks',
      master ? Buffer.from(master, 'base64') : Buffer.from(DEVELOPMENT_KEY),
      keyringOf(config.WEBHOOK_SECRETS_KEYRING),
    );
    if (!master) {
      logger.warn(
        'WEBHOOK_SECRETS_KEY is not set: webhook signing secrets are encrypted with the PUBLIC development key. Fine for development and tests only; NODE_ENV=production refuses to start without a key (openssl rand -base64 32).',
      );
    }
  }

  seal(plain: string, owner: SecretOwner): string {
    return this.sealed.seal(plain, aadOf(owner));
  }

  /** A stored value sealed; one already sealed is kept as it is (a rotation moves the current one to previous). */
  ensureSealed(stored: string, owner: SecretOwner): string {
    return SealedSecrets.isSealed(stored) ? stored : this.seal(stored, owner);
  }

  /** Whether WEBHOOK_SECRETS_KEYRING holds older keys. */
  get rotating(): boolean {
    return this.sealed.hasOlderKeys;
  }

  /** How a value that needs no re-sealing starts (the sweep finds the others in SQL). */
  get currentPrefixes(): string[] {
    return this.sealed.currentPrefixes;
  }

  /** A stored value sealed under the current key: a plaintext sealed, one under an older key opened and sealed again. */
  resealed(stored: string, owner: SecretOwner): string {
    if (!SealedSecrets.isSealed(stored)) return this.seal(stored, owner);
    return this.sealed.resealed(stored, aadOf(owner));
  }

  /** Throws when the value does not open for this owner (tampered, copied from another row, or another key). */
  open(stored: string, owner: SecretOwner): string {
    if (!SealedSecrets.isSealed(stored)) return stored;
    const key = `${aadOf(owner)}\n${stored}`;
    let plain = this.cache.get(key);
    if (plain === undefined) {
      plain = this.sealed.open(stored, aadOf(owner));
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, plain);
    }
    return plain;
  }

  /** The secrets that sign now, opened: the current one, then the previous one until it expires. */
  activeSecrets(s: SigningSecrets, owner: SecretOwner, now = new Date()): string[] {
    return activeSecrets(s, now).map((v) => this.open(v, owner));
  }

  /** The columns with their secrets opened, for the API's secret view; a previous secret past its overlap is not opened. */
  opened<T extends SecretColumns>(row: T, owner: SecretOwner, now = new Date()): T {
    const [secret, previousSecret = null] = this.activeSecrets(
      { current: row.secret, previous: row.previousSecret, previousExpiresAt: row.previousSecretExpiresAt },
      owner,
      now,
    );
    return { ...row, secret, previousSecret };
  }
}
