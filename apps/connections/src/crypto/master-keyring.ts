import { decodeMasterKey, DEV_MASTER_KEY, DEV_MASTER_KEY_ID, MasterKey, masterKeyFingerprint, parseKeyring } from './master-key';

export interface KeyringSettings {
  NODE_ENV: string;
  AGENTRY_MASTER_KEY?: string;
  AGENTRY_MASTER_KEY_ID?: string;
  AGENTRY_MASTER_KEYRING?: string;
}

/**
 * The primary master key (wraps every new data key) and the older ones still accepted for unwrapping
 * while a rotation re-wraps their records. Outside production the public development key is always a
 * reader, so data written before a real key was set stays readable and can be rotated away.
 */
export class MasterKeyring {
  private readonly byId = new Map<string, MasterKey>();

  constructor(
    readonly primary: MasterKey,
    readers: MasterKey[] = [],
  ) {
    for (const k of [primary, ...readers]) {
      const existing = this.byId.get(k.id);
      if (existing && !existing.key.equals(k.key)) throw new Error(`Two different master keys share the id "${k.id}"`);
      this.byId.set(k.id, k);
    }
  }

  get(id: string): MasterKey | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** `usingDevKey`: no key was configured, so the public development key is primary. */
  static fromSettings(s: KeyringSettings): { keyring: MasterKeyring; usingDevKey: boolean } {
    const production = s.NODE_ENV === 'production';
    const readers = parseKeyring(s.AGENTRY_MASTER_KEYRING);
    const dev: MasterKey = { id: DEV_MASTER_KEY_ID, key: DEV_MASTER_KEY };
    if (!s.AGENTRY_MASTER_KEY) {
      if (production) throw new Error('AGENTRY_MASTER_KEY is required when NODE_ENV=production');
      return { keyring: new MasterKeyring(dev, readers), usingDevKey: true };
    }
    const key = decodeMasterKey(s.AGENTRY_MASTER_KEY);
    if (!key) throw new Error('AGENTRY_MASTER_KEY must be base64 of 32 bytes');
    if (production && key.equals(DEV_MASTER_KEY))
      throw new Error('AGENTRY_MASTER_KEY is the public development key, which production refuses');
    const primary = { id: s.AGENTRY_MASTER_KEY_ID ?? masterKeyFingerprint(key), key };
    return { keyring: new MasterKeyring(primary, production ? readers : [...readers, dev]), usingDevKey: false };
  }
}
