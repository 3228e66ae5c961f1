import { connect, NatsConnection, nanos } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { EVENTS_STREAM, EVENTS_SUBJECT_PREFIX, natsInboxPrefix } from '@agentry/contracts';
import { skipErrorsOfSettledRequests } from './settled-requests';

export interface NatsHandles {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** Who a service is on NATS: its user (deploy/nats/auth.conf) and where its replies come back. */
export interface NatsIdentity {
  user?: string;
  pass?: string;
  /** Replies and JetStream deliveries come back under `<inboxPrefix>.>`; the server lets only this service read them. */
  inboxPrefix?: string;
}

/**
 * The identity of a service from its config. With NATS_USER set, it signs in, and its inbox is `_INBOX_<user>`,
 * which deploy/nats/auth.conf lets only that user read: the default `_INBOX.>` would let any user who may read
 * their own replies read every service's replies as well (decrypted connection secrets among them). The conf's
 * users are the services' names; a service signed in as another user gets that user's permissions, not its own.
 */
export function natsIdentity(config: { NATS_USER: string; NATS_PASSWORD: string }): NatsIdentity {
  if (!config.NATS_USER) return {};
  return { user: config.NATS_USER, pass: config.NATS_PASSWORD, inboxPrefix: natsInboxPrefix(config.NATS_USER) };
}

/**
 * Connects with unlimited reconnects: a NATS restart pauses the service, it does not kill it. With a logger, what
 * the server refuses is logged: a publish or subscription its permissions deny (NATS drops it and says so only
 * on the connection's status), so a user missing a permission shows up as an error, not as a silent slowdown.
 */
export async function connectNats(url: string, name: string, identity: NatsIdentity = {}, logger?: Logger): Promise<NatsHandles> {
  skipErrorsOfSettledRequests();
  const nc = await connect({
    servers: url.split(','),
    name,
    ...identity,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    timeout: 5_000,
    // Otherwise every request builds two Error objects up front (for async stack traces): ~15% of a
    // busy service's CPU on the request path (measured with bench/schedules.js).
    noAsyncTraces: true,
  });
  if (logger) void logRefusals(nc, logger);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  return { nc, js, jsm };
}

async function logRefusals(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === 'error') logger.error({ err: status.error.message }, 'NATS refused an operation');
  }
}

/** Creates the events stream if it is missing; says whether it did. Publishing dedupes on the event id for 10 minutes. */
export async function ensureEventsStream(jsm: JetStreamManager): Promise<boolean> {
  const config = {
    name: EVENTS_STREAM,
    subjects: [`${EVENTS_SUBJECT_PREFIX}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(7 * 24 * 3600 * 1000),
    duplicate_window: nanos(10 * 60 * 1000),
  };
  try {
    await jsm.streams.info(EVENTS_STREAM);
    return false;
  } catch {
    try {
      await jsm.streams.add(config);
      return true;
    } catch (err) {
      // another service created it between our info and add
      await jsm.streams.info(EVENTS_STREAM).catch(() => {
        throw err;
      });
      return false;
    }
  }
}
