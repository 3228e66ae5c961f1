import { AgentDefinitionDto, AgentView, EventEnvelope } from '@agentry/contracts';
import { sleep, startStack, TestStack, waitFor } from '@agentry/testing';
import { Client } from 'pg';
import { NatsRpcClient } from './support/nats-rpc';

/**
 * The agents service as the gateway sees it: compiled dist/main.js forked on a private database and
 * nats-server, every subject called over NATS request/reply, every change checked on AGENTRY_EVENTS.
 */
describe('agents service over NATS', () => {
  let stack: TestStack;
  let rpc: NatsRpcClient;
  /** Events on the stream that earlier checks already accounted for. */
  let seen = 0;
  const wsA = `wks_A${Date.now()}`;
  const wsB = `wks_B${Date.now()}`;

  const definition = (expression = 'input'): AgentDefinitionDto => ({
    input_schema: { type: 'object', properties: { name: { type: 'string' } } },
    steps: [{ id: 'greet', type: 'transform', with: { expression } }],
    output: 'steps.greet.output',
  });
  const create = (name: string, extra: object = {}, ws = wsA) => rpc.ok('agents.create', ws, { name, definition: definition(), ...extra });

  /** Waits for `count` new events, then a moment more so a duplicate would show, and returns them. */
  async function newEvents(count: number): Promise<(EventEnvelope & { subject: string })[]> {
    await waitFor(async () => (await rpc.events()).length >= seen + count, 5_000);
    await sleep(300);
    const all = await rpc.events();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  }

  beforeAll(async () => {
    stack = await startStack({ services: ['agents'], label: 'agents_int' });
    rpc = await NatsRpcClient.connect(stack.natsUrl);
  });

  afterAll(async () => {
    await rpc?.close();
    await stack?.stop();
  });

  it('runs the full lifecycle, one event per change and none for no-ops', async () => {
    const created = await create('Greeter', { tags: ['demo'], llm: { model: 'gpt-4o-mini' } });
    expect(created).toMatchObject({ slug: 'greeter', status: 'active', version: 1, tags: ['demo'], llm: { model: 'gpt-4o-mini' } });
    const [createdEvent] = await newEvents(1);
    expect(createdEvent).toMatchObject({
      subject: 'agentry.agents.created',
      type: 'agents.created',
      workspace_id: wsA,
      data: { agent_id: created.id, slug: 'greeter', version: 1, status: 'active', name: 'Greeter', definition: definition() },
    });
    expect(await newEvents(0)).toEqual([]);

    expect(await rpc.ok('agents.get', wsA, { agent: created.id })).toEqual(created);
    expect(await rpc.ok('agents.get', wsA, { agent: 'greeter' })).toEqual(created);
    expect((await rpc.ok('agents.list', wsA, { tag: 'demo' })).data.map((a: AgentView) => a.id)).toEqual([created.id]);

    const renamed = await rpc.ok('agents.update', wsA, { agent: 'greeter', patch: { name: 'Greeter 2', description: 'Says hi' } });
    expect(renamed).toMatchObject({ name: 'Greeter 2', description: 'Says hi', version: 1 });
    expect(await newEvents(1)).toEqual([
      expect.objectContaining({ subject: 'agentry.agents.updated', data: expect.objectContaining({ name: 'Greeter 2', version: 1 }) }),
    ]);

    const v2 = await rpc.ok('agents.update', wsA, { agent: created.id, patch: { definition: definition('"hi " & input.name') } });
    expect(v2.version).toBe(2);
    expect(await newEvents(1)).toEqual([
      expect.objectContaining({ subject: 'agentry.agents.updated', data: expect.objectContaining({ version: 2 }) }),
    ]);

    // The same definition with its keys in another order is not a new version, and not a change.
    const reordered = JSON.parse(
      JSON.stringify({
        output: 'steps.greet.output',
        steps: [{ with: { expression: '"hi " & input.name' }, type: 'transform', id: 'greet' }],
        input_schema: definition().input_schema,
      }),
    );
    const same = await rpc.ok('agents.update', wsA, { agent: created.id, patch: { definition: reordered } });
    expect(same).toMatchObject({ version: 2, updated_at: v2.updated_at });
    expect(await newEvents(0)).toEqual([]);

    expect(await rpc.ok('agents.pause', wsA, { agent: created.id })).toMatchObject({ status: 'paused' });
    expect(await newEvents(1)).toEqual([
      expect.objectContaining({ subject: 'agentry.agents.updated', data: expect.objectContaining({ status: 'paused' }) }),
    ]);
    expect(await rpc.ok('agents.pause', wsA, { agent: created.id })).toMatchObject({ status: 'paused' });
    expect(await rpc.ok('agents.resume', wsA, { agent: 'greeter' })).toMatchObject({ status: 'active' });
    expect(await rpc.ok('agents.resume', wsA, { agent: 'greeter' })).toMatchObject({ status: 'active' });
    expect(await newEvents(1)).toEqual([
      expect.objectContaining({ subject: 'agentry.agents.updated', data: expect.objectContaining({ status: 'active' }) }),
    ]);

    expect(await rpc.ok('agents.delete', wsA, { agent: 'greeter' })).toEqual({ id: created.id, deleted: true });
    expect(await newEvents(1)).toEqual([
      expect.objectContaining({
        subject: 'agentry.agents.deleted',
        data: { agent_id: created.id, slug: 'greeter', version: 2, status: 'active' },
      }),
    ]);
    for (const subject of ['agents.get', 'agents.delete', 'agents.pause', 'agents.versions'] as const) {
      expect(await rpc.call(subject, wsA, { agent: created.id })).toEqual({
        ok: false,
        error: { code: 'NOT_FOUND', message: `Agent ${created.id} not found` },
      });
    }
    expect(await newEvents(0)).toEqual([]);
  });

  it('lists versions newest first with a keyset cursor; the versions go with the agent', async () => {
    const agent = await create('Versioned');
    for (const n of [2, 3, 4]) await rpc.ok('agents.update', wsA, { agent: agent.id, patch: { definition: definition(`${n}`) } });
    await newEvents(4);

    const first = await rpc.ok('agents.versions', wsA, { agent: 'versioned', limit: 3 });
    expect(first.data.map((v) => v.version)).toEqual([4, 3, 2]);
    expect(first.data[0]).toMatchObject({ agent_id: agent.id, definition: definition('4'), created_at: expect.any(String) });
    const second = await rpc.ok('agents.versions', wsA, { agent: agent.id, limit: 3, cursor: first.next_cursor! });
    expect(second).toEqual({ data: [expect.objectContaining({ version: 1, definition: definition() })], next_cursor: null });

    await rpc.ok('agents.delete', wsA, { agent: agent.id });
    await newEvents(1);
    expect(await countVersions(agent.id)).toBe(0);
  });

  it('keeps slugs unique per workspace: CONFLICT on a given slug, a suffix on a derived one', async () => {
    const first = await create('Router', { slug: 'router' });
    const conflict = await rpc.call('agents.create', wsA, { name: 'Other', slug: 'router', definition: definition() });
    expect(conflict).toEqual({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: 'An agent with slug "router" already exists',
        details: [{ field: 'slug', reason: 'already taken' }],
      },
    });
    expect((await create('Router')).slug).toBe('router-2');

    const other = await create('Dispatcher');
    const renamed = await rpc.call('agents.update', wsA, { agent: other.id, patch: { slug: 'router' } });
    expect(renamed).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: [{ field: 'slug', reason: 'already taken' }] } });
    expect((await rpc.ok('agents.update', wsA, { agent: other.id, patch: { slug: 'dispatch' } })).slug).toBe('dispatch');
    expect(await rpc.ok('agents.get', wsA, { agent: 'dispatch' })).toMatchObject({ id: other.id });

    // Another workspace has its own slugs.
    expect((await create('Router', { slug: 'router' }, wsB)).slug).toBe('router');
    expect(await rpc.ok('agents.get', wsA, { agent: 'router' })).toMatchObject({ id: first.id });
    await newEvents(5);
  });

  it('never shows one workspace the agents of another', async () => {
    const mine = await create('Private', { slug: 'private' });
    await newEvents(1);
    for (const ref of [mine.id, 'private']) {
      for (const subject of ['agents.get', 'agents.delete', 'agents.pause', 'agents.resume', 'agents.versions'] as const) {
        expect(await rpc.call(subject, wsB, { agent: ref })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      }
      expect(await rpc.call('agents.update', wsB, { agent: ref, patch: { name: 'Stolen' } })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
    }
    const listB = await rpc.ok('agents.list', wsB, { limit: 100 });
    expect(listB.data.map((a: AgentView) => a.id)).not.toContain(mine.id);
    expect(await rpc.ok('agents.get', wsA, { agent: mine.id })).toMatchObject({ name: 'Private', status: 'active' });
    expect(await newEvents(0)).toEqual([]);
  });

  it('rejects an invalid definition with a detail per problem, and publishes nothing', async () => {
    const bad = {
      name: 'Broken',
      definition: {
        input_schema: { type: 'objec' },
        steps: [
          { id: 'a', type: 'transform', with: { expression: 'input' } },
          { id: 'b', type: 'transform', with: { expression: '{ "x": ' } },
          { id: 'a', type: 'http', with: { url: 'https://x.test/{{ input. }}' } },
        ],
      },
    };
    const out = await rpc.call('agents.create', wsA, bad);
    expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'Invalid agent definition' } });
    const details = (out as { error: { details: { field: string; reason: string }[] } }).error.details;
    expect(details).toEqual(
      expect.arrayContaining([
        { field: 'definition.input_schema.type', reason: expect.stringContaining('JSON Schema') },
        { field: 'definition.steps[1].with.expression', reason: expect.stringMatching(/^JSONata: /) },
        { field: 'definition.steps[2].id', reason: 'duplicate step id "a" (also steps[0])' },
        { field: 'definition.steps[2].with.method', reason: 'required' },
        { field: 'definition.steps[2].with.url', reason: expect.stringMatching(/^JSONata: .* in \{\{ input\. \}\}$/) },
      ]),
    );

    const agent = await create('Valid');
    await newEvents(1);
    const patch = await rpc.call('agents.update', wsA, {
      agent: agent.id,
      patch: { definition: { steps: [{ id: 'w', type: 'delay', with: {} }] } },
    });
    expect(patch).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: [{ field: 'definition.steps[0].with.ms' }] } });
    const unknownField = await rpc.call('agents.create', wsA, { name: 'x', definition: definition(), colour: 'red' });
    expect(unknownField).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', details: [{ field: 'colour', reason: 'unknown field' }] },
    });
    expect(await rpc.ok('agents.get', wsA, { agent: agent.id })).toMatchObject({ version: 1 });
    expect(await newEvents(0)).toEqual([]);
  });

  it('lists templates and creates agents from them', async () => {
    const { data } = await rpc.ok('agents.templates.list', wsA, {});
    expect(data.length).toBeGreaterThanOrEqual(6);
    const lead = await rpc.ok('agents.templates.use', wsA, {
      template_id: 'lead-qualification',
      llm: { connection_id: 'con_01JD0000000000000000000000' },
    });
    expect(lead).toMatchObject({
      slug: 'lead-qualification',
      name: 'Lead qualification',
      version: 1,
      llm: { model: 'gpt-4o-mini', connection_id: 'con_01JD0000000000000000000000' },
    });
    expect(lead.definition).toEqual(data.find((t) => t.id === 'lead-qualification')!.definition);
    expect((await rpc.ok('agents.templates.use', wsA, { template_id: 'lead-qualification' })).slug).toBe('lead-qualification-2');
    expect(await rpc.ok('agents.templates.use', wsA, { template_id: 'daily-digest', name: 'Postgres news' })).toMatchObject({
      slug: 'postgres-news',
      name: 'Postgres news',
    });
    expect(await newEvents(3)).toEqual([
      expect.objectContaining({ subject: 'agentry.agents.created', data: expect.objectContaining({ agent_id: lead.id }) }),
      expect.objectContaining({ subject: 'agentry.agents.created' }),
      expect.objectContaining({ subject: 'agentry.agents.created' }),
    ]);

    expect(await rpc.call('agents.templates.use', wsA, { template_id: 'email-triage', slug: 'lead-qualification' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: [{ field: 'slug' }] },
    });
    expect(await rpc.call('agents.templates.use', wsA, { template_id: 'nope' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Agent template nope not found' },
    });
    expect(await newEvents(0)).toEqual([]);
  });

  async function countVersions(agentId: string): Promise<number> {
    const client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM agents.agent_versions WHERE agent_id = $1', [agentId]);
      return Number(rows[0].n);
    } finally {
      await client.end();
    }
  }
});
