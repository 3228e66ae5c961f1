import { IsInt, IsString, Min } from 'class-validator';
import { ConfigError, loadConfig } from './load-config';
import { ServiceConfig } from './service.config';

class ExampleConfig extends ServiceConfig {
  @IsInt()
  @Min(1)
  BATCH_SIZE: number = 50;

  @IsString()
  REGION: string = 'eu';
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('uses the defaults when the environment is empty', () => {
    const sut = loadConfig(ExampleConfig, {});

    expect(sut).toBeInstanceOf(ExampleConfig);
    expect(sut).toMatchObject({
      NODE_ENV: 'development',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/agentry',
      NATS_URL: 'nats://127.0.0.1:4222',
      LOG_LEVEL: 'info',
      PORT: 0,
      MIGRATIONS_RUN: true,
      OUTBOX_RELAY_ENABLED: true,
      BATCH_SIZE: 50,
      REGION: 'eu',
    });
  });

  it('converts numbers from their string form', () => {
    const sut = loadConfig(ExampleConfig, { PORT: '8080', BATCH_SIZE: '7' });

    expect(sut.PORT).toBe(8080);
    expect(sut.BATCH_SIZE).toBe(7);
  });

  it.each([['false'], ['0']])('reads %p as false, so a switch can be turned off', (value) => {
    const sut = loadConfig(ExampleConfig, { MIGRATIONS_RUN: value, OUTBOX_RELAY_ENABLED: value });

    expect(sut.MIGRATIONS_RUN).toBe(false);
    expect(sut.OUTBOX_RELAY_ENABLED).toBe(false);
  });

  it.each([['true'], ['1']])('reads %p as true', (value) => {
    expect(loadConfig(ExampleConfig, { MIGRATIONS_RUN: value }).MIGRATIONS_RUN).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(ExampleConfig, { REGION: '', PORT: '' })).toMatchObject({ REGION: 'eu', PORT: 0 });
  });

  it('keeps values it does not know about out of the way', () => {
    const sut = loadConfig(ExampleConfig, { REGION: 'us', HOME: '/root' });

    expect(sut.REGION).toBe('us');
  });

  it('lists every problem in one error instead of stopping at the first', () => {
    const sut = configError(() =>
      loadConfig(ExampleConfig, {
        DATABASE_URL: 'mysql://x',
        NATS_URL: 'http://x',
        PORT: '70000',
        LOG_LEVEL: 'loud',
        BATCH_SIZE: '0',
        NODE_ENV: 'staging',
      }),
    );

    expect(sut.problems).toHaveLength(6);
    for (const name of ['DATABASE_URL', 'NATS_URL', 'PORT', 'LOG_LEVEL', 'BATCH_SIZE', 'NODE_ENV']) {
      expect(sut.message).toContain(`${name}: `);
    }
    expect(sut.message).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(sut.message.split('\n')[0]).toBe('Invalid configuration:');
  });

  it('signs in to NATS only as a whole: a NATS_USER needs its NATS_PASSWORD, and the password is not echoed', () => {
    expect(loadConfig(ExampleConfig, {})).toMatchObject({ NATS_USER: '', NATS_PASSWORD: '' });
    expect(loadConfig(ExampleConfig, { NATS_USER: 'executions', NATS_PASSWORD: 'p0123456789' })).toMatchObject({
      NATS_USER: 'executions',
      NATS_PASSWORD: 'p0123456789',
    });
    expect(configError(() => loadConfig(ExampleConfig, { NATS_USER: 'executions' })).problems).toEqual([
      'NATS_PASSWORD: must be set (8 or more characters) when NATS_USER is',
    ]);
    const short = configError(() => loadConfig(ExampleConfig, { NATS_USER: 'executions', NATS_PASSWORD: 'hunter2' }));
    expect(short.message).not.toContain('hunter2');
    expect(configError(() => loadConfig(ExampleConfig, { NATS_USER: 'exec utions', NATS_PASSWORD: 'p0123456789' })).problems).toEqual([
      'NATS_USER: must be letters, digits, _ or -',
    ]);
  });

  it('rejects a number that is not a number, naming the variable', () => {
    const sut = configError(() => loadConfig(ExampleConfig, { BATCH_SIZE: 'many' }));

    expect(sut.problems.length).toBeGreaterThan(0);
    for (const problem of sut.problems) expect(problem).toMatch(/^BATCH_SIZE: /);
  });

  it('reads process.env once and caches the result for the class', () => {
    class CachedConfig extends ServiceConfig {}
    const before = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'debug';
    try {
      const first = loadConfig(CachedConfig);
      process.env.LOG_LEVEL = 'error';

      expect(loadConfig(CachedConfig)).toBe(first);
      expect(first.LOG_LEVEL).toBe('debug');
    } finally {
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
    }
  });
});
