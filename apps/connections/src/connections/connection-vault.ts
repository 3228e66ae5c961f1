import { LOGGER, Logger } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { DecryptionError, EnvelopeCipher } from '../crypto/envelope-cipher';
import type { Platform } from '../platforms/platform';
import { maskSecrets, secretValues, splitConfig } from '../platforms/secret-fields';
import { ConnectionEntity } from './connection.entity';
import { ConnectionsError } from './connections.errors';

type Config = Record<string, unknown>;

/** Puts a config into a record (clear fields, encrypted secrets, masks) and takes it out again. */
@Injectable()
export class ConnectionVault {
  constructor(
    private readonly cipher: EnvelopeCipher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Seals with a fresh data key under the primary master key. `entity` must have its id and workspace. */
  seal(entity: ConnectionEntity, platform: Platform, config: Config): void {
    const { plain, secrets } = splitConfig(platform.configSchema, config);
    const sealed = this.cipher.seal(secrets, { recordId: entity.id, workspaceId: entity.workspaceId });
    entity.config = plain;
    entity.secretMasks = maskSecrets(platform.configSchema, secrets);
    entity.secretsCiphertext = sealed.ciphertext;
    entity.dataKeyWrapped = sealed.wrappedKey;
    entity.masterKeyId = sealed.masterKeyId;
    entity.encryptionVersion = sealed.version;
  }

  /** The full config (clear fields and decrypted secrets), and the secret strings for scrubbing. */
  open(entity: ConnectionEntity): { config: Config; secrets: string[] } {
    let secrets: Config;
    try {
      secrets = this.cipher.open(
        {
          ciphertext: entity.secretsCiphertext,
          wrappedKey: entity.dataKeyWrapped,
          masterKeyId: entity.masterKeyId,
          version: entity.encryptionVersion,
        },
        { recordId: entity.id, workspaceId: entity.workspaceId },
      );
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
      this.logger.error(
        { connection_id: entity.id, master_key_id: entity.masterKeyId, reason: err.message },
        'cannot decrypt connection secrets',
      );
      throw ConnectionsError.undecryptable(entity.id);
    }
    return { config: { ...entity.config, ...secrets }, secrets: secretValues(secrets) };
  }
}
