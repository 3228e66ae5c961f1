import { ConnectionStatus, ConnectionTestView } from '@agentry/contracts';
import { LOGGER, Logger, OutboundError, outboundRequest, SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { ConnectionsConfig } from '../config/connections.config';
import { ConfigValidator } from '../platforms/config-validator';
import { Platform, PlatformHttp, TestOutcome } from '../platforms/platform';
import { scrub } from '../platforms/secret-fields';
import { FailureReason } from './connection.entity';

export interface TestRun {
  view: ConnectionTestView;
  /** Set when the test failed. */
  failure: FailureReason | null;
}

const MAX_MESSAGE = 500;

/** Strings anywhere in a value with every secret replaced. */
function scrubDeep(value: unknown, secrets: string[]): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets)]));
  return value;
}

const STATUS: Record<FailureReason, ConnectionStatus> = { auth: 'error', expired: 'expired', unexpected: 'error' };

/**
 * Runs a platform's identity check under the SSRF guard and one time budget, and turns the outcome
 * into a status. Whatever the platform sent back is scrubbed of the secrets before it goes anywhere.
 */
@Injectable()
export class ConnectionTester {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ConnectionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly validator: ConfigValidator,
  ) {}

  async run(platform: Platform, config: Record<string, unknown>, secrets: string[], connectionId?: string): Promise<TestRun> {
    const budget = this.config.CONNECTION_TEST_TIMEOUT_MS;
    const started = Date.now();
    const deadline = started + budget;
    const policy = { allowPrivateNetworks: this.config.AGENTRY_ALLOW_PRIVATE_NETWORKS };
    const http: PlatformHttp = (url, init = {}) => outboundRequest(url, { ...init, timeoutMs: Math.max(1, deadline - Date.now()) }, policy);
    const filled = this.validator.withDefaults(platform, config);
    const hidden = [...secrets, ...(platform.derivedSecrets?.(filled) ?? [])];
    const outcome = await this.outcome(platform, filled, http, budget);
    const latency = Date.now() - started;
    const failure = outcome.ok ? null : outcome.reason;
    const view: ConnectionTestView = {
      ok: outcome.ok,
      status: failure ? STATUS[failure] : 'active',
      error_message: outcome.ok ? null : scrub(outcome.message, hidden).slice(0, MAX_MESSAGE),
      latency_ms: latency,
      tested_at: new Date().toISOString(),
      identity: outcome.ok ? (scrubDeep(outcome.identity, hidden) as Record<string, unknown>) : null,
    };
    this.logger.info(
      { connection_id: connectionId, platform: platform.id, ok: view.ok, status: view.status, failure, latency_ms: latency },
      'connection tested',
    );
    return { view, failure };
  }

  private async outcome(platform: Platform, config: Record<string, unknown>, http: PlatformHttp, budget: number): Promise<TestOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<TestOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, reason: 'unexpected', message: `${platform.name} did not answer within ${budget} ms` }),
        budget + 50,
      );
    });
    try {
      return await Promise.race([platform.test(config, http), timeout]);
    } catch (err) {
      if (err instanceof OutboundError && err.kind === 'timeout')
        return { ok: false, reason: 'unexpected', message: `${platform.name} did not answer within ${budget} ms` };
      if (err instanceof OutboundError) return { ok: false, reason: 'unexpected', message: err.message };
      this.logger.warn({ platform: platform.id, err: (err as Error)?.name }, 'connection test failed unexpectedly');
      return { ok: false, reason: 'unexpected', message: `The ${platform.name} test failed` };
    } finally {
      clearTimeout(timer);
    }
  }
}
