import { ExecutionEventData, ExecutionStatus, RpcErrorPayload, StartRunMessage } from '@agentry/contracts';
import { jetstream, JetStreamClient } from '@nats-io/jetstream';
import { connect, NatsConnection, Subscription } from '@nats-io/transport-node';
import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

export interface StartCall {
  workspaceId: string;
  message: StartRunMessage;
  plan?: string;
  receivedAt: number;
  executionId: string;
}

export interface FakeRun {
  id: string;
  workspaceId: string;
  agentId: string;
  scheduleId: string;
  idempotencyKey: string;
  status: ExecutionStatus;
}

/**
 * Stands in for the executions service on `executions.start` (queue group `executions`, Nest framing):
 * creates one run per (workspace, idempotency_key) like the real one, and publishes its events to
 * JetStream when the test says so. Tests control it: answer with an error, hold replies, finish runs.
 */
export class FakeExecutions {
  readonly calls: StartCall[] = [];
  readonly runs = new Map<string, FakeRun>();
  private readonly byKey = new Map<string, string>();
  /** An error code to answer every start with (e.g. SERVICE_UNAVAILABLE); undefined: accept. */
  failWith?: RpcErrorPayload;
  /** While set, starts are received (and runs created) but not answered until release(). */
  private held?: { release: Promise<void>; open: () => void };
  /** Publish `queued` for each new run. */
  publishQueued = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly sub: Subscription,
  ) {}

  static async start(natsUrl: string): Promise<FakeExecutions> {
    const nc = await connect({ servers: natsUrl, name: 'fake-executions' });
    const sub = nc.subscribe('executions.start', { queue: 'executions' });
    const fake = new FakeExecutions(nc, jetstream(nc), sub);
    void fake.serve();
    return fake;
  }

  hold(): void {
    let open!: () => void;
    const release = new Promise<void>((resolve) => (open = resolve));
    this.held = { release, open };
  }

  release(): void {
    this.held?.open();
    this.held = undefined;
  }

  /** Distinct idempotency keys received: one per fire whose run was asked for. */
  keys(): Set<string> {
    return new Set(this.calls.map((c) => c.message.idempotency_key!));
  }

  runOfFire(fireId: string): FakeRun | undefined {
    const id = [...this.byKey.entries()].find(([k]) => k.endsWith(`/${fireId}`))?.[1];
    return id ? this.runs.get(id) : undefined;
  }

  /** Moves a run on and publishes the event the real service would. */
  async transition(executionId: string, status: ExecutionStatus): Promise<void> {
    const run = this.runs.get(executionId);
    if (!run) throw new Error(`no run ${executionId}`);
    run.status = status;
    const subject = {
      queued: 'queued',
      running: 'started',
      waiting: 'waiting',
      succeeded: 'succeeded',
      failed: 'failed',
      cancelled: 'cancelled',
      timed_out: 'failed',
    }[status];
    await this.publish(`agentry.executions.${subject}`, run);
  }

  async close(): Promise<void> {
    this.release();
    this.sub.unsubscribe();
    await this.nc.drain();
  }

  private async serve(): Promise<void> {
    for await (const msg of this.sub) {
      const req = msg.json<{ id: string; data: { ctx: { workspace_id: string; plan?: string }; data: StartRunMessage } }>();
      void this.answer(req).then((reply) => msg.respond(JSON.stringify({ id: req.id, ...reply, isDisposed: true })));
    }
  }

  private async answer(req: {
    data: { ctx: { workspace_id: string; plan?: string }; data: StartRunMessage };
  }): Promise<{ response?: unknown; err?: unknown }> {
    const { ctx, data } = req.data;
    if (this.failWith) return { err: this.failWith };
    const key = `${ctx.workspace_id}/${data.idempotency_key}`;
    let id = this.byKey.get(key);
    if (!id) {
      id = `exe_${ulid()}`;
      this.byKey.set(key, id);
      const run: FakeRun = {
        id,
        workspaceId: ctx.workspace_id,
        agentId: data.agent,
        scheduleId: data.trigger.id!,
        idempotencyKey: data.idempotency_key!,
        status: 'queued',
      };
      this.runs.set(id, run);
      if (this.publishQueued) await this.publish('agentry.executions.queued', run);
    }
    this.calls.push({ workspaceId: ctx.workspace_id, message: data, plan: ctx.plan, receivedAt: Date.now(), executionId: id });
    await this.held?.release;
    const run = this.runs.get(id)!;
    return { response: { completed: false, execution: { id, status: run.status, agent_id: run.agentId } } };
  }

  private async publish(subject: string, run: FakeRun): Promise<void> {
    const data: ExecutionEventData = {
      execution_id: run.id,
      agent_id: run.agentId,
      status: run.status,
      trigger_type: 'schedule',
      trigger_id: run.scheduleId,
    };
    const id = `evt_${ulid()}`;
    const envelope = {
      id,
      type: subject.split('.').slice(1).join('.'),
      version: 1,
      occurred_at: new Date().toISOString(),
      workspace_id: run.workspaceId,
      data,
    };
    await this.js.publish(subject, JSON.stringify(envelope), { msgID: id });
  }
}
