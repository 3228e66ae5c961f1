import { durableName, EVENT_CONSUMERS, EVENTS_STREAM, RATE_LIMIT_BUCKET } from '@agentry/contracts';
import { AckPolicy, ConsumerConfig, DeliverPolicy } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { nanos } from '@nats-io/transport-node';
import { ensureEventsStream, NatsHandles } from './nats';

/** The gateway's rate-limit bucket: a window's counters live two windows (60 s each). */
export const RATE_LIMIT_KV_OPTIONS = { ttl: 2 * 60_000, history: 1 };

/** A durable consumer of one subject of the events stream, pulled by the replicas of its service. */
export function durableConfig(
  name: string,
  subject: string,
  options: { ackWaitMs?: number; maxDeliver?: number } = {},
): Partial<ConsumerConfig> {
  return {
    durable_name: durableName(name, subject),
    filter_subject: subject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    max_deliver: options.maxDeliver ?? -1,
  };
}

/**
 * Creates what the services use of JetStream when it is missing: the events stream, every service's durable
 * consumers (EVENT_CONSUMERS) and the gateway's rate-limit bucket. Without NATS users each service creates its
 * own at start. With deploy/nats/auth.conf they may not (a user that may create a consumer may make it push the
 * stream's messages to any subject, in the server's name), so this runs first as the `provisioner` user:
 * `npm run nats-provision`, the compose service `nats-provision`, the k8s migrate Job. Idempotent.
 */
export async function provisionJetStream(handles: NatsHandles): Promise<string[]> {
  const created: string[] = [];
  if (await ensureEventsStream(handles.jsm)) created.push(`stream ${EVENTS_STREAM}`);
  for (const consumer of Object.values(EVENT_CONSUMERS)) {
    for (const subject of consumer.subjects) {
      const durable = durableName(consumer.name, subject);
      try {
        await handles.jsm.consumers.info(EVENTS_STREAM, durable);
      } catch {
        await handles.jsm.consumers.add(EVENTS_STREAM, durableConfig(consumer.name, subject));
        created.push(`consumer ${durable}`);
      }
    }
  }
  try {
    await handles.jsm.streams.info(`KV_${RATE_LIMIT_BUCKET}`);
  } catch {
    await new Kvm(handles.js).create(RATE_LIMIT_BUCKET, RATE_LIMIT_KV_OPTIONS);
    created.push(`key-value bucket ${RATE_LIMIT_BUCKET}`);
  }
  return created;
}
