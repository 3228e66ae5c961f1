import { mergeConfig, secretsToReenter } from './update-connection.use-case';

describe(mergeConfig.name, () => {
  it('keeps fields the patch leaves out, replaces the ones it sets, removes the ones set to null', () => {
    const sut = mergeConfig(
      { base_url: 'https://a.example', api_key: 'sk-old', organization: 'org-1' },
      { base_url: 'https://b.example', organization: null },
    );

    expect(sut).toEqual({ base_url: 'https://b.example', api_key: 'sk-old' });
  });
});

describe(secretsToReenter.name, () => {
  const stored = { base_url: 'https://slack.com/api', bot_token: 'xoxb-secret', team: 'acme' };

  it('asks for every stored secret when the patch changes where requests go', () => {
    expect(secretsToReenter(['bot_token'], stored, { base_url: 'https://attacker.example' })).toEqual({
      destination: 'base_url',
      missing: ['bot_token'],
    });
  });

  it('accepts a new destination sent together with the secrets', () => {
    expect(secretsToReenter(['bot_token'], stored, { base_url: 'https://attacker.example', bot_token: 'xoxb-new' })).toBeNull();
  });

  it('does not ask when the destination is unchanged or only other fields change', () => {
    expect(secretsToReenter(['bot_token'], stored, { base_url: 'https://slack.com/api', team: 'other' })).toBeNull();
    expect(secretsToReenter(['bot_token'], stored, { team: 'other' })).toBeNull();
  });
});
