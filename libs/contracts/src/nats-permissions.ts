import { AgentsRpc } from './agents/agents.subjects';
import { ConnectionsInternal, ConnectionsRpc } from './connections/connections.subjects';
import { durableName, EVENT_CONSUMERS } from './event-consumers';
import { EVENTS_STREAM, EVENTS_SUBJECT_PREFIX } from './events';
import { ExecutionsInternal, ExecutionsRpc } from './executions/executions.subjects';
import { HooksRpc } from './hooks/hooks.subjects';
import { SchedulesRpc } from './schedules/schedules.subjects';
import { ToolsRpc } from './tools/tools.subjects';
import { WebhooksRpc } from './webhooks/webhooks.subjects';

/** The services, each a NATS user of its own in deploy/nats/auth.conf. */
export type NatsService = 'gateway' | 'agents' | 'executions' | 'schedules' | 'connections' | 'webhooks';

/**
 * Where a service's replies and JetStream deliveries come back: `_INBOX_<service>.…`, readable by that user only.
 * Not under `_INBOX.`, which stays free for the clients of other users (the `subscriber` of events, say).
 */
export const natsInboxPrefix = (service: string) => `_INBOX_${service}`;

export interface NatsUserPermissions {
  /** Subjects the user may publish to (requests, events, internal broadcasts). */
  publish: string[];
  /** Subjects the user may subscribe to (its requests to answer, broadcasts, its own inbox). */
  subscribe: string[];
  /** May answer the requests it receives (publish to their reply subjects), and nothing more on `_INBOX…`. */
  respond: boolean;
}

const all = (subjects: Record<string, string>) => Object.values(subjects);
const except = (subjects: Record<string, string>, ...left: string[]) => all(subjects).filter((s) => !left.includes(s));

/** `executions.progress.<execution id>`, `executions.llm.<execution id>`, `tools.progress.<stream id>`. */
const RUN_PROGRESS = 'executions.progress.*';
const LLM_DELTAS = 'executions.llm.*';
const TOOL_PROGRESS = 'tools.progress.*';
/** The gateway's rate limits live in this JetStream key-value bucket. */
export const RATE_LIMIT_BUCKET = 'agentry_rate_limits';

/**
 * The JetStream API a service needs: the events stream's info, and its own durable consumers by name (read, pull,
 * acknowledge). Not the rest of the API: no service can create, delete or change the stream or a consumer, or read
 * another service's consumer. Creating is the `provisioner`'s (`npm run nats-provision`): a user that may create a
 * consumer may make it a push consumer that delivers the stream's messages, in the server's name, to any subject
 * (an RPC subject it may not publish to, say).
 */
function jetstreamOf(name: NatsService): string[] {
  const durables = Object.values(EVENT_CONSUMERS)
    .filter((c) => c.service === name)
    .flatMap((c) => c.subjects.map((subject) => durableName(c.name, subject)));
  const S = EVENTS_STREAM;
  return [
    '$JS.API.INFO',
    `$JS.API.STREAM.INFO.${S}`,
    ...durables.flatMap((d) => [`$JS.API.CONSUMER.INFO.${S}.${d}`, `$JS.API.CONSUMER.MSG.NEXT.${S}.${d}`, `$JS.ACK.${S}.${d}.>`]),
  ];
}

/** The gateway's rate limits: a key-value bucket, which is a stream `KV_<bucket>` with subjects `$KV.<bucket>.>`. */
const RATE_LIMIT_KV = [
  `$JS.API.STREAM.INFO.KV_${RATE_LIMIT_BUCKET}`,
  `$JS.API.DIRECT.GET.KV_${RATE_LIMIT_BUCKET}.>`,
  `$JS.API.STREAM.MSG.GET.KV_${RATE_LIMIT_BUCKET}`,
  `$KV.${RATE_LIMIT_BUCKET}.>`,
];

/**
 * Each service may publish its own domain events, `agentry.<service>.…`, and use the JetStream it needs. Its RPC
 * calls are listed subject by subject: only the engine and the schedules service reach another service's
 * internals, and only the engine may ask `connections.resolve` for a decrypted credential.
 */
function service(name: NatsService, own: { calls?: string[]; answers?: string[]; publishes?: string[]; reads?: string[] }) {
  return {
    publish: [...jetstreamOf(name), `${EVENTS_SUBJECT_PREFIX}.${name}.>`, ...(own.publishes ?? []), ...(own.calls ?? [])],
    subscribe: [`${natsInboxPrefix(name)}.>`, ...(own.answers ?? []), ...(own.reads ?? [])],
    respond: (own.answers ?? []).length > 0,
  };
}

/**
 * Who may publish and subscribe to what on NATS. deploy/nats/auth.conf is rendered from this table
 * (`npm run nats-conf`); a test checks that the two agree and that every subject a service's code uses is here.
 */
export const NATS_PERMISSIONS: Record<NatsService | 'subscriber' | 'provisioner', NatsUserPermissions> = {
  gateway: service('gateway', {
    calls: [
      ...all(AgentsRpc),
      ...all(ExecutionsRpc),
      ...all(HooksRpc),
      ...except(ConnectionsRpc, ConnectionsRpc.resolve, ConnectionsRpc.reportAuthFailure),
      ...all(ToolsRpc),
      ...all(SchedulesRpc),
      ...all(WebhooksRpc),
    ],
    publishes: RATE_LIMIT_KV,
    reads: [RUN_PROGRESS, LLM_DELTAS, TOOL_PROGRESS],
  }),
  agents: service('agents', { answers: [...all(AgentsRpc), ...all(HooksRpc)] }),
  executions: service('executions', {
    answers: [...all(ExecutionsRpc), ExecutionsInternal.wake, `${ExecutionsInternal.cancelPrefix}.*`, ExecutionsInternal.agentChanged],
    calls: [AgentsRpc.get, ConnectionsRpc.resolve, ConnectionsRpc.reportAuthFailure, ToolsRpc.call, ToolsRpc.list],
    publishes: [ExecutionsInternal.wake, `${ExecutionsInternal.cancelPrefix}.*`, ExecutionsInternal.agentChanged, RUN_PROGRESS, LLM_DELTAS],
    reads: [RUN_PROGRESS],
  }),
  schedules: service('schedules', { answers: all(SchedulesRpc), calls: [AgentsRpc.get, ExecutionsRpc.get, ExecutionsRpc.start] }),
  connections: service('connections', {
    answers: [...all(ConnectionsRpc), ...all(ToolsRpc), ConnectionsInternal.mcpChanged],
    publishes: [ConnectionsInternal.mcpChanged, TOOL_PROGRESS],
  }),
  webhooks: service('webhooks', { answers: all(WebhooksRpc) }),
  /**
   * For services of yours that follow Agentry's events live: core subscriptions to `agentry.>`, at most once (no
   * JetStream: a user that may create and read consumers of the events stream could read or delete the services'
   * own durable consumers, and NATS permissions cannot tell those apart by name).
   */
  subscriber: { publish: [], subscribe: [`${EVENTS_SUBJECT_PREFIX}.>`], respond: false },
  /**
   * `npm run nats-provision` (compose's `nats-provision`, the k8s migrate Job): creates the events stream, the
   * services' consumers and the rate-limit bucket. The whole JetStream API: an operator's credential, which no
   * service holds.
   */
  provisioner: { publish: ['$JS.API.>'], subscribe: [`${natsInboxPrefix('provisioner')}.>`], respond: false },
};

/** The environment variable that holds a user's password in deploy/nats/auth.conf. */
export const natsPasswordVariable = (user: string) => `NATS_${user.toUpperCase()}_PASSWORD`;

/** deploy/nats/auth.conf: one user per service and the subscriber, passwords from the environment. */
export function renderNatsAuthConf(): string {
  const rule = (kind: string, subjects: string[]) =>
    subjects.length
      ? [`        ${kind}: {`, `          allow: [`, ...subjects.map((x) => `            ${JSON.stringify(x)}`), `          ]`, `        }`]
      : [`        ${kind}: { deny: [">"] }`];
  const users = Object.entries(NATS_PERMISSIONS).map(([user, p]) =>
    [
      `    {`,
      `      user: ${user}`,
      `      password: $${natsPasswordVariable(user)}`,
      `      permissions: {`,
      ...rule('publish', p.publish),
      ...rule('subscribe', p.subscribe),
      ...(p.respond ? [`        allow_responses: true`] : []),
      `      }`,
      `    }`,
    ].join('\n'),
  );
  return [
    '# Generated from libs/contracts/src/nats-permissions.ts by `npm run nats-conf`: edit that table, not this file.',
    '# One NATS user per service, and `subscriber` for services of yours that follow Agentry events. Each password',
    '# comes from the environment variable named beside it; nats-server refuses to start if one is missing.',
    '# Start: nats-server -js -c deploy/nats/auth.conf; give each service NATS_USER=<its name>, NATS_PASSWORD=<its password>.',
    'authorization {',
    '  users = [',
    users.join('\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}
