import { EVENT_CATALOG, EVENTS_STREAM, EventSubject } from '@agentry/contracts';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

/** The AsyncAPI 2.6 document of every domain event on NATS JetStream, built from libs/contracts. */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const schemas = validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/' }) as Record<string, unknown>;
  const subjects = Object.keys(EVENT_CATALOG).sort() as EventSubject[];
  const dataNames = [...new Set(subjects.map((s) => EVENT_CATALOG[s].data.name))];
  const channels = Object.fromEntries(
    subjects.map((subject) => {
      const entry = EVENT_CATALOG[subject];
      const name = subject
        .split('.')
        .slice(1)
        .map((p) => p.replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase()))
        .join('');
      return [
        subject,
        {
          description: entry.summary,
          subscribe: {
            operationId: `on${name}`,
            summary: entry.summary,
            message: {
              name: subject,
              title: subject,
              contentType: 'application/json',
              headers: {
                type: 'object',
                properties: {
                  'Nats-Msg-Id': { type: 'string', description: 'The event id; JetStream drops a republish within the duplicate window' },
                  'x-request-id': { type: 'string', description: 'Id of the API request that caused the event, when there was one' },
                },
              },
              payload: {
                allOf: [
                  { $ref: '#/components/schemas/EventEnvelope' },
                  {
                    type: 'object',
                    properties: {
                      type: { const: subject.split('.').slice(1).join('.') },
                      version: { const: entry.version },
                      data: { $ref: `#/components/schemas/${entry.data.name}` },
                    },
                  },
                ],
              },
            },
          },
        },
      ];
    }),
  );
  return {
    asyncapi: '2.6.0',
    info: {
      title: 'Agentry domain events',
      version: '1.0.0',
      description:
        `Events published by Agentry services through their transactional outboxes to the NATS JetStream stream ` +
        `\`${EVENTS_STREAM}\` on subjects \`agentry.<service>.<event>\`. Delivery is at least once: consumers must be ` +
        'idempotent on the envelope `id`. Adding an optional field keeps a version; any other change is a new `.v2` subject.',
    },
    defaultContentType: 'application/json',
    servers: { nats: { url: 'nats://127.0.0.1:4222', protocol: 'nats', description: 'JetStream enabled' } },
    channels,
    components: {
      schemas: Object.fromEntries(
        Object.entries(schemas)
          .filter(([k]) => k === 'EventEnvelope' || dataNames.includes(k))
          .sort(),
      ),
    },
  };
}
