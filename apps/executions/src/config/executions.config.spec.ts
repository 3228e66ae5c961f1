import { ConfigError, loadConfig } from '@agentry/common';
import { ExecutionsConfig } from './executions.config';

describe(ExecutionsConfig.name, () => {
  it('uses the development approval-link secret outside production', () => {
    expect(loadConfig(ExecutionsConfig, {}).APPROVAL_LINK_SECRET).toBe('agentry-development-approval-link-secret');
  });

  it('refuses to start in production without an approval-link secret of its own', () => {
    expect(() => loadConfig(ExecutionsConfig, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig(ExecutionsConfig, { NODE_ENV: 'production' })).toThrow(/APPROVAL_LINK_SECRET: must be set/);
    expect(loadConfig(ExecutionsConfig, { NODE_ENV: 'production', APPROVAL_LINK_SECRET: 'x'.repeat(32) }).APPROVAL_LINK_SECRET).toBe(
      'x'.repeat(32),
    );
  });

  it('reads AGENTRY_ALLOW_PRIVATE_NETWORKS as a switch', () => {
    expect(loadConfig(ExecutionsConfig, {}).AGENTRY_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(loadConfig(ExecutionsConfig, { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true' }).AGENTRY_ALLOW_PRIVATE_NETWORKS).toBe(true);
  });
});
