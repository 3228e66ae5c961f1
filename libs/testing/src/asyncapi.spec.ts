import { EVENT_CATALOG } from '@agentry/contracts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAsyncApiDocument } from './asyncapi';

describe(buildAsyncApiDocument.name, () => {
  const sut = buildAsyncApiDocument();

  it('has a channel for every subject of the event catalog, each with a data schema', () => {
    const channels = sut.channels as Record<
      string,
      { subscribe: { message: { payload: { allOf: [unknown, { properties: { data: { $ref: string } } }] } } } }
    >;
    const schemas = (sut.components as { schemas: Record<string, unknown> }).schemas;
    expect(Object.keys(channels).sort()).toEqual(Object.keys(EVENT_CATALOG).sort());
    for (const channel of Object.values(channels)) {
      const ref = channel.subscribe.message.payload.allOf[1].properties.data.$ref;
      expect(schemas[ref.split('/').pop()!]).toBeDefined();
    }
    expect(schemas.EventEnvelope).toBeDefined();
  });

  it('is committed and current (run `npm run asyncapi` after changing an event)', () => {
    const committed = JSON.parse(readFileSync(resolve(__dirname, '../../../docs/asyncapi.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(sut)));
  });
});
