import { IsString } from 'class-validator';
import { AppError } from '../errors';
import { malformedContext, Rpc } from './rpc-payload.pipe';

class NameDto {
  @IsString()
  name!: string;
}

describe('RpcPayloadPipe', () => {
  const ctx = { workspace_id: 'wks_1', request_id: 'req_1', actor: 'system:executions', scopes: ['agents:read'], plan: 'pro' };

  it('passes a well-formed request through, data validated into its class', async () => {
    const out = await Rpc(NameDto).transform({ ctx, data: { name: 'a' } });
    expect(out.ctx).toBe(ctx);
    expect(out.data).toBeInstanceOf(NameDto);
    expect(out.data).toEqual({ name: 'a' });
  });

  it.each([
    ['no ctx', undefined, 'ctx must be an object'],
    ['an array ctx', [], 'ctx must be an object'],
    ['no workspace', { request_id: 'r' }, 'missing ctx.workspace_id'],
    ['a numeric workspace', { workspace_id: 7 }, 'missing ctx.workspace_id'],
    [
      'an actor that is an array (a regular expression would coerce it)',
      { workspace_id: 'w', actor: ['system:x'] },
      'ctx.actor must be a string',
    ],
    ['an actor that is an object', { workspace_id: 'w', actor: { toString: 'system:x' } }, 'ctx.actor must be a string'],
    ['scopes that are not strings', { workspace_id: 'w', scopes: [1] }, 'ctx.scopes must be strings'],
    ['scopes that are a string', { workspace_id: 'w', scopes: 'agents:read' }, 'ctx.scopes must be strings'],
    ['a numeric plan', { workspace_id: 'w', plan: 1 }, 'ctx.plan must be a string'],
    ['a numeric request id', { workspace_id: 'w', request_id: 1 }, 'ctx.request_id must be a string'],
  ])('refuses %s with INVALID_INPUT', async (_, bad, reason) => {
    expect(malformedContext(bad)).toBe(reason);
    const refused = Rpc(NameDto).transform({ ctx: bad, data: { name: 'a' } } as never);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_INPUT', message: `Malformed request: ${reason}` });
  });

  it('accepts a context without the optional fields, and a null actor', () => {
    expect(malformedContext({ workspace_id: 'w' })).toBeNull();
    expect(malformedContext({ workspace_id: 'w', actor: null })).toBeNull();
  });

  it('refuses a request that is not an object, and data that breaks its contract', async () => {
    await expect(Rpc(NameDto).transform(null as never)).rejects.toMatchObject({ message: 'Malformed request: not an object' });
    await expect(Rpc(NameDto).transform({ ctx, data: { name: 1 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
