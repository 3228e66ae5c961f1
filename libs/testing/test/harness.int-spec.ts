import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import { ApiClient, createTestDatabase, sharedStack, startNats, startStack, TestNats, TestStack, waitFor } from '@agentry/testing';

async function ready(url: string) {
  return new ApiClient(url).get<{ status: string; checks: { database: string; nats: string } }>('/health/ready');
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('test harness', () => {
  describe('a private stack with the agents service', () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await startStack({ services: ['agents'], label: 'harness' });
    });

    afterAll(async () => {
      await stack?.stop();
    });

    it('starts the service ready, with its database and NATS checked', async () => {
      const res = await ready(stack.serviceUrl('agents'));

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', checks: { database: 'ok', nats: 'ok' } });
      expect(stack.ports.agents).toBeGreaterThan(0);
      expect(stack.databaseUrl).toContain('agentry_harness_');
      expect(stack.natsUrl).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    });

    it('brings a SIGKILLed service back on the same port', async () => {
      const url = stack.serviceUrl('agents');

      await stack.killService('agents', 'SIGKILL');
      await expect(ready(url)).rejects.toThrow();

      await stack.startService('agents');
      expect(stack.serviceUrl('agents')).toBe(url);
      const res = await ready(url);
      expect(res.status).toBe(200);
      expect(res.body.checks).toEqual({ database: 'ok', nats: 'ok' });
    });

    it('keeps the service ready across a NATS restart', async () => {
      await stack.nats.restart({ downForMs: 500 });

      const back = await waitFor(async () => (await ready(stack.serviceUrl('agents'))).status === 200, 15_000, 200);
      expect(back).toBe(true);
    });

    it('stops cleanly twice and drops its database', async () => {
      const name = stack.database.name;

      await stack.stop();
      await stack.stop();

      expect(await databaseExists(name)).toBe(false);
    });
  });

  describe(startNats.name, () => {
    let nats: TestNats;

    beforeAll(async () => {
      nats = await startNats();
    });

    afterAll(async () => {
      await nats?.stop();
    });

    it('restarts on the same URL and keeps its JetStream store', async () => {
      const before = await connect({ servers: nats.url });
      await (await jetstreamManager(before)).streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
      await before.close();

      await nats.restart();

      const after = await connect({ servers: nats.url });
      try {
        const info = await (await jetstreamManager(after)).streams.info('HARNESS');
        expect(info.config.subjects).toEqual(['harness.>']);
      } finally {
        await after.close();
      }
    });

    it('reconnects a client that was connected while it was down', async () => {
      const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
      try {
        const reconnected = (async () => {
          for await (const status of nc.status()) if (status.type === 'reconnect') return true;
          return false;
        })();
        await nats.restart({ downForMs: 300 });
        // a flush issued before the client has reconnected fails with "connection disconnected"
        await expect(reconnected).resolves.toBe(true);
        await expect(nc.flush()).resolves.toBeUndefined();
      } finally {
        await nc.close();
      }
    });

    it('fails with one clear sentence when nats-server is not on PATH', async () => {
      const path = process.env.PATH;
      process.env.PATH = '/nonexistent';
      try {
        await expect(startNats()).rejects.toThrow(/^nats-server is not on PATH: install it/);
      } finally {
        process.env.PATH = path;
      }
    });
  });

  describe(createTestDatabase.name, () => {
    it('creates a uniquely named database and drops it', async () => {
      const [a, b] = await Promise.all([createTestDatabase('harness_db'), createTestDatabase('harness_db')]);
      try {
        expect(a.name).not.toBe(b.name);
        expect(await databaseExists(a.name)).toBe(true);
      } finally {
        await Promise.all([a.drop(), b.drop()]);
      }
      await a.drop();
      expect(await databaseExists(a.name)).toBe(false);
    });
  });

  describe(startStack.name, () => {
    it('names a service that is not built or does not exist, before starting anything', async () => {
      await expect(startStack({ services: ['nonexistent'] })).rejects.toThrow(/Unknown service 'nonexistent'/);
    });
  });

  describe(sharedStack.name, () => {
    it('describes the stack that globalSetup started, every service ready', async () => {
      const shared = sharedStack();

      expect(shared.adminKey).toMatch(/^[A-Za-z0-9_-]{20,200}$/);
      for (const service of shared.services) {
        const res = await ready(`http://127.0.0.1:${shared.ports[service]}`);
        expect({ service, status: res.status }).toEqual({ service, status: 200 });
      }
    });
  });
});
