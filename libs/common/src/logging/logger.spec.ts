import { Writable } from 'node:stream';
import { createLogger, isSecretKey } from './logger';

/** A logger whose JSON lines land in an array, exactly as pino writes them. */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const sut = createLogger('test', 'info', destination);
  return { sut, text: () => lines.join(''), parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe(createLogger.name, () => {
  it('redacts secrets nested at any depth, whatever the casing of the key', () => {
    const { sut, text } = capture();

    sut.info({ data: { connection: { config: { api_key: 'S-nested-config' } } } }, 'deep config');
    sut.info({ request: { headers: { Authorization: 'Bearer S-header', 'X-Api-Key': 'S-x-api-key', cookie: 'S-cookie' } } }, 'headers');
    sut.info({ step: { with: { body: { bot_token: 'S-bot', auth_token: 'S-auth', client_secret: 'S-client', apiKey: 'S-camel' } } } }, 'w');
    sut.info({ items: [{ nested: [{ password: 'S-in-array' }] }] }, 'arrays');
    sut.info({ hook: { key: 'S-hook-key', signing_secret: 'S-signing' } }, 'hook');

    expect(text()).not.toMatch(/S-[a-z-]+/);
    expect(text().match(/\[redacted\]/g)?.length).toBe(11);
  });

  it('keeps what is not secret: counts of tokens, ids, messages', () => {
    const { sut, parsed } = capture();

    sut.info({ usage: { tokens_used: 42, max_tokens: 100 }, master_key_id: 'mk_1', masked_fields: ['api_key'] }, 'kept');

    expect(parsed()[0]).toMatchObject({
      usage: { tokens_used: 42, max_tokens: 100 },
      master_key_id: 'mk_1',
      masked_fields: ['api_key'],
      msg: 'kept',
    });
  });

  it('serializes errors (type, message, stack) and redacts their secret properties and query parameters', () => {
    const { sut, parsed, text } = capture();
    const err = Object.assign(new Error('insert failed'), {
      parameters: ['S-param-secret'],
      config: { headers: { authorization: 'Bearer S-err-header' } },
      request: { headers: { 'x-api-key': 'S-err-key' } },
    });

    sut.error({ err, nested: { cause: Object.assign(new TypeError('inner'), { token: 'S-inner' }) } }, 'failed');

    const line = parsed()[0] as { err: Record<string, unknown>; nested: { cause: Record<string, unknown> } };
    expect(line.err).toMatchObject({ type: 'Error', message: 'insert failed', stack: expect.stringContaining('insert failed') });
    expect(line.nested.cause).toMatchObject({ type: 'TypeError', message: 'inner', token: '[redacted]' });
    expect(text()).not.toMatch(/S-[a-z-]+/);
  });

  it('does not change the objects it is given, and survives cycles', () => {
    const { sut, parsed } = capture();
    const given: Record<string, unknown> = { config: { api_key: 'S-kept-in-caller' }, id: 'con_1' };
    given.self = given;

    sut.info({ given }, 'cycle');

    expect((given.config as { api_key: string }).api_key).toBe('S-kept-in-caller');
    expect(parsed()[0].given).toEqual({ config: '[redacted]', id: 'con_1', self: '[Circular]' });
  });
});

describe(isSecretKey.name, () => {
  it.each(['password', 'api_key', 'x-api-key', 'apiKey', 'APIKey', 'Authorization', 'bot_token', 'accessToken', 'signing_secret', 'key'])(
    'treats %s as secret',
    (key) => expect(isSecretKey(key)).toBe(true),
  );

  it.each(['tokens_used', 'max_tokens', 'key_id', 'master_key_id', 'secret_masks', 'masked_fields', 'request_id', 'idempotency_key'])(
    'keeps %s',
    (key) => expect(isSecretKey(key)).toBe(false),
  );
});
