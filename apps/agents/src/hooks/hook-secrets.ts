import { loadConfig } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HooksConfig } from '../config/hooks.config';

const DEVELOPMENT_KEY = 'agentry-development-hook-secrets-key-do-not-use-in-production';

/** Hook credentials: generation, hashing, and AES-256-GCM at rest (`v1.<iv>.<tag>.<ciphertext>`, base64url). */
@Injectable()
export class HookSecrets {
  private readonly key: Buffer;

  constructor() {
    const master = loadConfig(HooksConfig).HOOK_SECRETS_KEY;
    const material = master ? Buffer.from(master, 'base64') : Buffer.from(DEVELOPMENT_KEY);
    this.key = createHash('sha256').update('agentry-hooks:').update(material).digest();
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
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1') throw new Error(`unknown hook secret format ${version}`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
