import { newId } from '@agentry/common';
import { EntityManager } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { generateApiKey, hashApiKey, keyPrefix } from './api-key.crypto';
import { CreatedApiKeyView, ApiKeyView } from '../workspaces/workspaces.dto';

export interface IssueKeyInput {
  workspaceId: string;
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
  instanceAdmin?: boolean;
  /** A fixed key (the bootstrap key); a random one otherwise. */
  key?: string;
  /** Registered from AGENTRY_BOOTSTRAP_API_KEY. */
  isBootstrap?: boolean;
}

/** Creates a key row (hash only) and returns the one response that shows the key. */
export async function issueApiKey(manager: EntityManager, input: IssueKeyInput): Promise<CreatedApiKeyView> {
  const key = input.key ?? generateApiKey();
  const entity = Object.assign(new ApiKeyEntity(), {
    id: newId('key'),
    workspaceId: input.workspaceId,
    name: input.name,
    keyHash: hashApiKey(key),
    keyPrefix: keyPrefix(key),
    scopes: input.scopes,
    instanceAdmin: input.instanceAdmin ?? false,
    isBootstrap: input.isBootstrap ?? false,
    createdAt: new Date(),
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
  });
  await manager.insert(ApiKeyEntity, entity);
  return { ...toApiKeyView(entity), key };
}

export function toApiKeyView(k: ApiKeyEntity): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: k.keyPrefix,
    scopes: k.scopes,
    created_at: k.createdAt.toISOString(),
    expires_at: k.expiresAt ? new Date(k.expiresAt).toISOString() : null,
  };
}
