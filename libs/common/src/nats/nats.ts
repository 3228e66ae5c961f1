import { connect, NatsConnection, nanos } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { EVENTS_STREAM, EVENTS_SUBJECT_PREFIX } from '@agentry/contracts';
import { skipErrorsOfSettledRequests } from './settled-requests';

export interface NatsHandles {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** Connects with unlimited reconnects: a NATS restart pauses the service, it does not kill it. */
export async function connectNats(url: string, name: string): Promise<NatsHandles> {
  skipErrorsOfSettledRequests();
  const nc = await connect({
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    timeout: 5_000,
    // Otherwise every request builds two Error objects up front (for async stack traces): ~15% of a
    // busy service's CPU on the request path (measured with bench/schedules.js).
    noAsyncTraces: true,
  });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  return { nc, js, jsm };
}

/** Creates the events stream if it is missing. Publishing dedupes on the event id for 10 minutes. */
export async function ensureEventsStream(jsm: JetStreamManager): Promise<void> {
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
  } catch {
    try {
      await jsm.streams.add(config);
    } catch (err) {
      // another service created it between our info and add
      await jsm.streams.info(EVENTS_STREAM).catch(() => {
        throw err;
      });
    }
  }
}
