import { withoutFields } from './idempotency.interceptor';

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
