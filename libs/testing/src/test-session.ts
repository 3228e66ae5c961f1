import type { Plan, Scope } from '@agentry/contracts';
import { randomBytes } from 'node:crypto';
import { ApiClient, ApiResponse, expectStatus, RequestOptions } from './api-client';

export interface SessionOptions {
  plan?: Plan;
  /** Scopes of the session's main client; the workspace admin key when omitted. */
  scopes?: Scope[];
  name?: string;
}

export interface WorkspaceInfo {
  id: string;
  name: string;
  plan: Plan;
  [field: string]: unknown;
}

export interface CreatedKey {
  id: string;
  key: string;
  scopes: string[];
  [field: string]: unknown;
}

/**
 * A fresh workspace and a key for it (Novu's UserSession): every test gets its own tenant on the shared
 * stack, so tests never see each other's data.
 */
export class TestSession {
  private constructor(
    readonly workspace: WorkspaceInfo,
    /** The workspace's first admin key, as `POST /v1/workspaces` returned it. */
    readonly adminApiKey: CreatedKey,
    /** Client with the workspace admin key. */
    readonly admin: ApiClient,
    /** The main client: `scopes` from the options, or the admin key. */
    readonly client: ApiClient,
  ) {}

  static async create(stack: { gatewayUrl: string; adminKey: string }, options: SessionOptions = {}): Promise<TestSession> {
    if (!stack.gatewayUrl) throw new Error('TestSession needs a stack with the gateway');
    const instance = new ApiClient(stack.gatewayUrl, stack.adminKey);
    const name = options.name ?? `test-${randomBytes(4).toString('hex')}`;
    const res = expectStatus(
      await instance.post<{ workspace: WorkspaceInfo; api_key: CreatedKey }>('/v1/workspaces', { name, plan: options.plan ?? 'pro' }),
      201,
      'POST /v1/workspaces',
    );
    const admin = instance.withKey(res.body.api_key.key);
    const session = new TestSession(res.body.workspace, res.body.api_key, admin, admin);
    if (!options.scopes) return session;
    return new TestSession(session.workspace, session.adminApiKey, admin, await session.keyWith(options.scopes));
  }

  /** A client for a new key of this workspace with only these scopes. */
  async keyWith(scopes: Scope[], name = `key-${scopes.join('-') || 'none'}`): Promise<ApiClient> {
    const res = expectStatus(
      await this.admin.post<CreatedKey>('/v1/api-keys', { name: name.slice(0, 200), scopes }),
      201,
      'POST /v1/api-keys',
    );
    return this.admin.withKey(res.body.key);
  }

  get<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.client.get<T>(path, options);
  }
  delete<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.client.delete<T>(path, options);
  }
  post<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.client.post<T>(path, body, options);
  }
  put<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.client.put<T>(path, body, options);
  }
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.client.patch<T>(path, body, options);
  }
}
