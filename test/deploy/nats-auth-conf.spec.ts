import * as contracts from '@agentry/contracts';
import { durableName, EVENT_CONSUMERS, EVENTS_STREAM, NATS_PERMISSIONS, RATE_LIMIT_BUCKET, renderNatsAuthConf } from '@agentry/contracts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SERVICES, ServiceName } from './config-keys';

/** NATS subject matching: `*` is one token, `>` the rest (one token or more). */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

const allowed = (patterns: string[], subject: string) => patterns.some((p) => matches(p, subject));

function sourcesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesOf(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

const exported = contracts as unknown as Record<string, unknown>;
const constant = (object: string, member: string): string => {
  const value = (exported[object] as Record<string, unknown> | undefined)?.[member];
  if (typeof value !== 'string') throw new Error(`${object}.${member} is not a subject of @agentry/contracts`);
  return value;
};

/**
 * The subject a call's first argument names, with any id in it as `x`: `ExecutionsInternal.wake`,
 * `` `${ExecutionsInternal.cancelPrefix}.${worker}` `` or `progressSubject(m.execution_id)`.
 */
function subjectOf(argument: string): string {
  const member = /^([A-Z]\w+)\.(\w+)$/.exec(argument);
  if (member) return constant(member[1], member[2]);
  const call = /^(\w+Subject)\(/.exec(argument);
  if (call) return (exported[call[1]] as (id: string) => string)('x');
  const template = /^`(.*)`$/.exec(argument);
  if (template) {
    return template[1].replace(/\$\{([^}]+)\}/g, (_all, inner: string) => {
      const m = /^([A-Z]\w+)\.(\w+)$/.exec(inner.trim());
      return m ? constant(m[1], m[2]) : 'x';
    });
  }
  throw new Error(`cannot read the subject of ${argument}`);
}

const RPC_REFERENCE = /\b((?:Agents|Executions|Hooks|Connections|Webhooks|Schedules|Tools)Rpc)\.(\w+)/g;
const ANSWERED = /@MessagePattern\(((?:Agents|Executions|Hooks|Connections|Webhooks|Schedules|Tools)Rpc)\.(\w+)\)/g;
const CORE_CALL = /\bnc\.(publish|subscribe|request)\(\s*([^,]+?),/g;

/** What a service's code asks of NATS, read from its sources. */
function usesOf(service: ServiceName) {
  const source = sourcesOf(join(ROOT, 'apps', service, 'src')).join('\n');
  const answers = new Set([...source.matchAll(ANSWERED)].map((m) => constant(m[1], m[2])));
  const rpc = new Set([...source.matchAll(RPC_REFERENCE)].map((m) => constant(m[1], m[2])));
  const calls = [...rpc].filter((s) => !answers.has(s));
  const publishes: string[] = [];
  const subscribes: string[] = [];
  for (const [, verb, argument] of source.matchAll(CORE_CALL)) {
    (verb === 'subscribe' ? subscribes : publishes).push(subjectOf(argument.trim()));
  }
  return { answers: [...answers], calls, publishes, subscribes };
}

describe('deploy/nats/auth.conf', () => {
  it('is what `npm run nats-conf` renders from the permissions table', () => {
    expect(readFileSync(join(ROOT, 'deploy/nats/auth.conf'), 'utf8')).toBe(renderNatsAuthConf());
  });

  it('reads what the code asks of NATS (the check below cannot pass on nothing)', () => {
    const gateway = usesOf('gateway');
    expect(gateway.calls.length).toBeGreaterThan(50);
    expect(gateway.subscribes).toEqual(expect.arrayContaining(['executions.progress.x', 'tools.progress.x']));
    const executions = usesOf('executions');
    expect(executions.answers).toContain('executions.start');
    expect(executions.calls).toEqual(expect.arrayContaining(['connections.resolve', 'agents.get']));
    expect(executions.publishes).toEqual(
      expect.arrayContaining(['executions.wake', 'executions.runner.cancel.x', 'executions.progress.x']),
    );
    expect(matches('executions.progress.*', 'executions.progress.x')).toBe(true);
    expect(matches('executions.progress.*', 'executions.progress')).toBe(false);
    expect(matches('_INBOX_gateway.>', '_INBOX_gateway.a.b')).toBe(true);
    expect(matches('_INBOX.>', '_INBOX_gateway.a')).toBe(false);
  });

  it.each(SERVICES)('lets %s publish and subscribe to every subject its code uses', (service) => {
    const uses = usesOf(service);
    const { publish, subscribe, respond } = NATS_PERMISSIONS[service];
    expect(uses.calls.filter((s) => !allowed(publish, s))).toEqual([]);
    expect(uses.publishes.filter((s) => !allowed(publish, s))).toEqual([]);
    expect(uses.answers.filter((s) => !allowed(subscribe, s))).toEqual([]);
    expect(uses.subscribes.filter((s) => !allowed(subscribe, s))).toEqual([]);
    expect(respond).toBe(uses.answers.length > 0);
  });

  it('lets only the engine ask for a decrypted credential, and only the connections service answer', () => {
    const users = Object.entries(NATS_PERMISSIONS);
    expect(users.filter(([, p]) => allowed(p.publish, 'connections.resolve')).map(([u]) => u)).toEqual(['executions']);
    expect(users.filter(([, p]) => allowed(p.subscribe, 'connections.resolve')).map(([u]) => u)).toEqual(['connections']);
  });

  it('registers every durable consumer from EVENT_CONSUMERS, whose names the config grants', () => {
    for (const service of SERVICES) {
      const source = sourcesOf(join(ROOT, 'apps', service, 'src')).join('\n');
      const registered = [...source.matchAll(/consumers\.register\(\s*(?:\{\s*\.\.\.)?EVENT_CONSUMERS\.(\w+)/g)].map((m) => m[1]);
      expect([...source.matchAll(/consumers\.register\(/g)]).toHaveLength(registered.length);
      const own = Object.entries(EVENT_CONSUMERS).filter(([, c]) => c.service === service);
      expect(registered.sort()).toEqual(own.map(([key]) => key).sort());
      for (const [, c] of own) {
        for (const subject of c.subjects) {
          const durable = durableName(c.name, subject);
          expect(allowed(NATS_PERMISSIONS[service].publish, `$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.${durable}`)).toBe(true);
          expect(allowed(NATS_PERMISSIONS[service].publish, `$JS.ACK.${EVENTS_STREAM}.${durable}.1.2.3.4.5`)).toBe(true);
          const others = Object.entries(NATS_PERMISSIONS).filter(([u]) => u !== service && u !== 'provisioner');
          for (const [, p] of others) expect(allowed(p.publish, `$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.${durable}`)).toBe(false);
        }
      }
    }
  });

  it('lets no user but the provisioner create, delete, change or purge the events stream or a consumer', () => {
    const durable = durableName('webhooks-messages', 'agentry.executions.succeeded');
    for (const [, p] of Object.entries(NATS_PERMISSIONS).filter(([user]) => user !== 'provisioner')) {
      for (const subject of [
        `$JS.API.STREAM.CREATE.${EVENTS_STREAM}`,
        `$JS.API.CONSUMER.CREATE.${EVENTS_STREAM}.${durable}`,
        `$JS.API.CONSUMER.CREATE.${EVENTS_STREAM}.${durable}.agentry.executions.succeeded`,
        `$JS.API.CONSUMER.DURABLE.CREATE.${EVENTS_STREAM}.${durable}`,
        `$JS.API.STREAM.CREATE.KV_${RATE_LIMIT_BUCKET}`,
        `$JS.API.STREAM.DELETE.${EVENTS_STREAM}`,
        `$JS.API.STREAM.UPDATE.${EVENTS_STREAM}`,
        `$JS.API.STREAM.PURGE.${EVENTS_STREAM}`,
        `$JS.API.STREAM.MSG.DELETE.${EVENTS_STREAM}`,
        `$JS.API.CONSUMER.DELETE.${EVENTS_STREAM}.${durableName('executions-agents', 'agentry.agents.created')}`,
        `$JS.API.STREAM.DELETE.KV_${RATE_LIMIT_BUCKET}`,
      ]) {
        expect(allowed(p.publish, subject)).toBe(false);
      }
    }
  });

  it("lets each user read replies in its own inbox only, and the subscriber no service's", () => {
    for (const [user, p] of Object.entries(NATS_PERMISSIONS)) {
      for (const other of SERVICES.filter((s) => s !== user)) {
        expect(allowed(p.subscribe, `_INBOX_${other}.abc.1`)).toBe(false);
      }
      expect(allowed(p.subscribe, '_INBOX.abc.1')).toBe(false);
    }
  });
});
