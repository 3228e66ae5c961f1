import { NATS_PERMISSIONS, natsPasswordVariable } from '@agentry/contracts';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configKeysIn, ROOT, SERVICES, unknownEnv } from './config-keys';

interface ComposeService {
  image?: string;
  build?: string | { context?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  healthcheck?: { test?: string | string[] };
  depends_on?: Record<string, { condition?: string }> | string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

const healthTest = (service: ComposeService) => [service.healthcheck?.test ?? []].flat().join(' ');

describe('docker-compose.yml', () => {
  it('reads the config classes it validates against', () => {
    expect(configKeysIn(readFileSync(join(ROOT, 'libs/common/src/config/service.config.ts'), 'utf8'))).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'NATS_URL', 'PORT', 'LOG_LEVEL', 'MIGRATIONS_RUN']),
    );
  });

  it.each(SERVICES)('runs %s from the one Agentry image', (name) => {
    const service = services[name];
    expect(service).toBeDefined();
    expect(service.image).toMatch(/^agentry:/);
    const context = typeof service.build === 'string' ? service.build : service.build?.context;
    expect(context).toBe('.');
    expect(envOf(service).SERVICE).toBe(name);
  });

  it.each(SERVICES)('gives %s only env keys its config class declares', (name) => {
    const env = envOf(services[name]);
    expect(unknownEnv(name, Object.keys(env))).toEqual([]);
    expect(env).toEqual(
      expect.objectContaining({ DATABASE_URL: expect.stringMatching(/^postgres:\/\/.*@postgres:5432\//), NATS_URL: 'nats://nats:4222' }),
    );
    expect(env.LOG_LEVEL).toBeDefined();
  });

  it.each(SERVICES)('checks %s on /health/ready and starts it after healthy PostgreSQL and NATS', (name) => {
    const service = services[name];
    expect(healthTest(service)).toContain('/health/ready');
    expect(healthTest(service)).toContain('process.env.PORT');
    const dependsOn = service.depends_on as Record<string, { condition?: string }>;
    expect(dependsOn.postgres?.condition).toBe('service_healthy');
    expect(dependsOn.nats?.condition).toBe('service_healthy');
  });

  it('gives every service its own port and publishes the gateway on 3000', () => {
    const ports = SERVICES.map((name) => envOf(services[name]).PORT);
    expect(new Set(ports).size).toBe(SERVICES.length);
    expect(envOf(services.gateway).PORT).toBe('3000');
    expect(services.gateway.ports).toContain('3000:3000');
    const published = SERVICES.filter((name) => name !== 'gateway' && (services[name].ports ?? []).length > 0);
    expect(published).toEqual([]);
  });

  it('passes the admin key to the gateway only and the master key to connections only', () => {
    for (const name of SERVICES) {
      expect('AGENTRY_BOOTSTRAP_API_KEY' in envOf(services[name])).toBe(name === 'gateway');
      expect('AGENTRY_MASTER_KEY' in envOf(services[name])).toBe(name === 'connections');
    }
  });

  it.each(SERVICES)('signs %s in to NATS as its own user, with its own password', (name) => {
    const env = envOf(services[name]);
    expect(env.NATS_USER).toBe(name);
    expect(env.NATS_PASSWORD).toMatch(new RegExp(`^\\$\\{${natsPasswordVariable(name)}:\\?`));
  });

  it('runs NATS with deploy/nats/auth.conf and a password for every user in it', () => {
    const nats = services.nats as ComposeService & { volumes?: string[] };
    const command = [nats.command ?? []].flat();
    expect(command[command.indexOf('-c') + 1]).toBe('/etc/nats/auth.conf');
    expect(nats.volumes).toContain('./deploy/nats/auth.conf:/etc/nats/auth.conf:ro');
    const conf = readFileSync(join(ROOT, 'deploy/nats/auth.conf'), 'utf8');
    const variables = [...conf.matchAll(/password: \$(\w+)/g)].map((m) => m[1]);
    expect(variables.sort()).toEqual(Object.keys(NATS_PERMISSIONS).map(natsPasswordVariable).sort());
    for (const variable of variables) expect(envOf(nats)[variable]).toMatch(new RegExp(`^\\$\\{${variable}:\\?`));
  });

  it('creates the JetStream the services may not create, as the provisioner, before any service starts', () => {
    const provision = services['nats-provision'];
    expect([provision.command ?? []].flat()).toEqual(['node', 'libs/common/dist/nats/provision-main.js']);
    expect(envOf(provision)).toEqual(
      expect.objectContaining({
        NATS_URL: 'nats://nats:4222',
        NATS_USER: 'provisioner',
        NATS_PASSWORD: expect.stringMatching(/^\$\{NATS_PROVISIONER_PASSWORD:\?/),
      }),
    );
    for (const name of SERVICES) {
      expect((services[name].depends_on as Record<string, { condition?: string }>)['nats-provision']?.condition).toBe(
        'service_completed_successfully',
      );
    }
  });

  it('runs PostgreSQL 16 and NATS 2.10 with JetStream, both with healthchecks', () => {
    expect(services.postgres.image).toMatch(/^postgres:16/);
    expect(healthTest(services.postgres)).toContain('pg_isready');
    expect(services.nats.image).toMatch(/^nats:2\.10/);
    expect([services.nats.command ?? []].flat()).toContain('-js');
    expect(healthTest(services.nats)).toContain('healthz');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('copies every workspace manifest before npm ci, so a new package cannot break the image build', () => {
    const workspaces = ['libs', 'apps'].flatMap((dir) =>
      readdirSync(join(ROOT, dir), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${dir}/${d.name}`),
    );
    for (const workspace of workspaces) expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
    const lastManifestCopy = Math.max(...[...dockerfile.matchAll(/^COPY \S+\/package\.json /gm)].map((m) => m.index ?? 0));
    expect(dockerfile.indexOf('RUN npm ci')).toBeGreaterThan(lastManifestCopy);
  });

  it('chooses the service from SERVICE', () => {
    expect(dockerfile).toMatch(/FROM node:20-slim/);
    expect(dockerfile).toContain('apps/${SERVICE');
  });
});
