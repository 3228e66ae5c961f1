import type { Logger, Outbox } from '@agentry/common';
import type { DataSource } from 'typeorm';
import { PlatformRegistry } from '../../platforms/platform-registry';
import type { ConnectionEntity } from '../connection.entity';
import type { ConnectionVault } from '../connection-vault';
import type { ConnectionsRepository } from '../connections.repository';
import { ReportAuthFailureUseCase } from './report-auth-failure.use-case';

const TOKEN = 'xoxb-1111-2222-secret-token';

function row(overrides: Partial<ConnectionEntity> = {}): ConnectionEntity {
  return {
    id: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
    workspaceId: 'wks_1',
    platform: 'slack',
    name: 'Acme Slack',
    status: 'active',
    errorMessage: null,
    failureReason: null,
    lastTestedAt: new Date('2026-01-01T00:00:00Z'),
    revision: 3,
    ...overrides,
  } as ConnectionEntity;
}

describe(ReportAuthFailureUseCase.name, () => {
  let stored: ConnectionEntity | null;
  let written: ConnectionEntity[];
  let events: { subject: string; data: Record<string, unknown> }[];
  let sut: ReportAuthFailureUseCase;
  const system = { workspace_id: 'wks_1', request_id: 'req_1', actor: 'system:executions' };

  beforeEach(() => {
    stored = row();
    written = [];
    events = [];
    const repo = {
      find: async () => stored,
      recordTest: async (_m: unknown, c: ConnectionEntity) => void written.push({ ...c }),
    } as unknown as ConnectionsRepository;
    const ds = { transaction: (work: (m: unknown) => unknown) => work({}) } as unknown as DataSource;
    const vault = { open: () => ({ config: { bot_token: TOKEN }, secrets: [TOKEN] }) } as unknown as ConnectionVault;
    const outbox = {
      add: async (_m: unknown, subject: string, _ws: string, data: Record<string, unknown>) => void events.push({ subject, data }),
      flush: () => undefined,
    } as unknown as Outbox;
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
    sut = new ReportAuthFailureUseCase(ds, repo, new PlatformRegistry(), vault, outbox, logger);
  });

  it('marks an active connection error with the scrubbed reason, and emits disconnected once', async () => {
    const reply = await sut.forConnection(row(), { reason: 'auth', message: `Slack refused ${TOKEN}: token_revoked`, source: 'tool_call' });

    expect(reply).toEqual({ connection_id: stored!.id, status: 'error', changed: true });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      status: 'error',
      failureReason: 'auth',
      errorMessage: 'Credentials refused during a tool call: Slack refused [redacted]: token_revoked',
      lastTestedAt: new Date('2026-01-01T00:00:00Z'),
    });
    expect(events).toEqual([
      {
        subject: 'agentry.connections.disconnected',
        data: expect.objectContaining({ status: 'error', previous_status: 'active', detected_by: 'tool_call' }),
      },
    ]);
  });

  it('marks it expired when the platform says the credentials expired', async () => {
    const reply = await sut.execute(system, {
      connection_id: stored!.id,
      reason: 'expired',
      message: 'token_expired',
      source: 'model_call',
    });

    expect(reply.status).toBe('expired');
    expect(events[0].data).toMatchObject({ status: 'expired', detected_by: 'model_call' });
  });

  it('says an http step saw the refusal', async () => {
    await sut.execute(system, {
      connection_id: stored!.id,
      reason: 'auth',
      message: 'HTTP 401 from GET https://api.example.com/v1',
      source: 'http_step',
    });

    expect(written[0].errorMessage).toBe('Credentials refused during an http step: HTTP 401 from GET https://api.example.com/v1');
    expect(events[0].data).toMatchObject({ status: 'error', detected_by: 'http_step' });
  });

  it.each([
    ['another revision of the config', row({ revision: 4 })],
    ['a connection no longer active', row({ status: 'error', failureReason: 'auth' })],
    ['a connection being re-tested after an edit', row({ status: 'untested' })],
  ])('leaves %s alone', async (_, current) => {
    stored = current;

    const reply = await sut.execute(system, {
      connection_id: current.id,
      revision: 3,
      reason: 'auth',
      message: 'HTTP 401',
      source: 'model_call',
    });

    expect(reply).toEqual({ connection_id: current.id, status: current.status, changed: false });
    expect(written).toEqual([]);
    expect(events).toEqual([]);
  });

  it('answers a missing connection without an error', async () => {
    stored = null;

    expect(
      await sut.execute(system, { connection_id: 'con_01JD5Z4Q9X7N3B2V1C0M8K6H4H', reason: 'auth', message: 'x', source: 'model_call' }),
    ).toMatchObject({ status: null, changed: false });
  });

  it('answers services only', async () => {
    await expect(
      sut.execute(
        { ...system, actor: 'key_01JD5Z4Q9X7N3B2V1C0M8K6H4G' },
        { connection_id: stored!.id, reason: 'auth', message: 'x', source: 'model_call' },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
