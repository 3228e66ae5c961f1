import { mergeConfig } from './update-connection.use-case';

describe(mergeConfig.name, () => {
  it('keeps fields the patch leaves out, replaces the ones it sets, removes the ones set to null', () => {
    const sut = mergeConfig(
      { base_url: 'https://a.example', api_key: 'sk-old', organization: 'org-1' },
      { base_url: 'https://b.example', organization: null },
    );

    expect(sut).toEqual({ base_url: 'https://b.example', api_key: 'sk-old' });
  });
});
