import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { firstValueFrom, Subject } from 'rxjs';
import { IdempotencyInterceptor, withoutFields } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';

describe(withoutFields.name, () => {
  it('leaves out the fields shown once, at any depth, without touching the response itself', () => {
    const response = { workspace: { id: 'wks_1' }, api_key: { id: 'key_1', key: 'agk_secret' } };

    expect(withoutFields(response, ['api_key.key'])).toEqual({ workspace: { id: 'wks_1' }, api_key: { id: 'key_1' } });
    expect(response.api_key.key).toBe('agk_secret');
  });

  it('ignores paths that are not there, and bodies that are not objects', () => {
    expect(withoutFields({ id: 'key_1' }, ['key', 'a.b.c'])).toEqual({ id: 'key_1' });
    expect(withoutFields(null, ['key'])).toBeNull();
    expect(withoutFields('text', ['key'])).toBe('text');
  });
});

describe(IdempotencyInterceptor.name, () => {
  afterEach(() => jest.useRealTimers());

  /** A POST with an Idempotency-Key through the interceptor; the handler answers when `answer` emits. */
  function setup() {
    const calls: string[] = [];
    const repo = {
      claim: async (_ws: string, _key: string, _hash: string, leaseMs: number) => (calls.push(`claim ${leaseMs}`), null),
      extend: async (_ws: string, _key: string, leaseMs: number) => void calls.push(`extend ${leaseMs}`),
      complete: async () => void calls.push('complete'),
      release: async () => void calls.push('release'),
    } as unknown as IdempotencyRepository;
    const sut = new IdempotencyInterceptor(repo, new Reflector(), { RPC_TIMEOUT_MS: 10_000 });
    const req = {
      method: 'POST',
      url: '/v1/agents',
      body: { name: 'a' },
      headers: { 'idempotency-key': 'k' },
      auth: { workspaceId: 'wks_1' },
    };
    const context = {
      getHandler: () => setup,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({ statusCode: 201, header: () => undefined }) }),
    } as unknown as ExecutionContext;
    const answer = new Subject<unknown>();
    const result = firstValueFrom(sut.intercept(context, { handle: () => answer }));
    return { calls, answer, result };
  }

  it('extends its lease (RPC_TIMEOUT_MS + 20 s) every third of it while the request runs, and stops after', async () => {
    jest.useFakeTimers();
    const { calls, answer, result } = setup();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['claim 30000']);

    await jest.advanceTimersByTimeAsync(95_000); // a sync run of a minute and a half
    expect(calls).toEqual(['claim 30000', ...Array(9).fill('extend 30000')]);

    answer.next({ id: 'agt_1' });
    answer.complete();
    await expect(result).resolves.toEqual({ id: 'agt_1' });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls.slice(10)).toEqual(['complete']);
  });

  it('stops extending when the request fails, and releases the key', async () => {
    jest.useFakeTimers();
    const { calls, answer, result } = setup();
    await jest.advanceTimersByTimeAsync(10_000);
    answer.error(new Error('boom'));
    await expect(result).rejects.toThrow('boom');
    await jest.advanceTimersByTimeAsync(60_000);

    expect(calls).toEqual(['claim 30000', 'extend 30000', 'release']);
  });
});
