import { natsPasswordVariable } from '@agentry/contracts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { configKeys, ROOT, SERVICES, unknownEnv } from './config-keys';

interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string> };
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  resources?: string[];
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> } | Record<string, string>;
    template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

const DIR = join(ROOT, 'deploy', 'k8s');
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

function parseFile(file: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(join(DIR, file), 'utf8'));
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return docs.map((doc) => doc.toJS() as Manifest).filter(Boolean);
}

const manifests = files.filter((f) => f !== 'kustomization.yaml').flatMap(parseFile);
const kustomization = parseFile('kustomization.yaml')[0];
const find = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
const configMap = find('ConfigMap', 'agentry-config');

describe('deploy/k8s', () => {
  it('parses every manifest, each with apiVersion, kind and name', () => {
    expect(manifests.length).toBeGreaterThan(0);
    for (const m of manifests) {
      expect(m.apiVersion).toBeTruthy();
      expect(m.kind).toBeTruthy();
      expect(m.metadata?.name).toBeTruthy();
    }
  });

  it('lists every manifest file in kustomization.yaml', () => {
    expect([...(kustomization.resources ?? [])].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
  });

  it('has a namespace, a ConfigMap and a Secret for the env', () => {
    expect(manifests.some((m) => m.kind === 'Namespace')).toBe(true);
    expect(configMap).toBeDefined();
    expect(find('Secret', 'agentry-secrets')?.stringData).toEqual(
      expect.objectContaining({
        DATABASE_URL: expect.any(String),
        AGENTRY_BOOTSTRAP_API_KEY: expect.any(String),
        AGENTRY_MASTER_KEY: expect.any(String),
      }),
    );
  });

  it('puts in the ConfigMap only keys some service reads', () => {
    const known = new Set(SERVICES.flatMap((s) => [...configKeys(s)]));
    expect(Object.keys(configMap?.data ?? {}).filter((k) => !known.has(k))).toEqual([]);
  });

  describe.each(SERVICES)('%s', (name) => {
    const deployment = find('Deployment', `agentry-${name}`);
    const pod = deployment?.spec?.template?.spec;
    const container = pod?.containers[0];

    it('has a Deployment with at least 2 replicas of the Agentry image', () => {
      expect(deployment).toBeDefined();
      expect(deployment?.spec?.replicas).toBeGreaterThanOrEqual(2);
      expect(container?.image).toBe('agentry');
      expect(container?.env).toEqual(expect.arrayContaining([{ name: 'SERVICE', value: name }]));
    });

    it('probes /health/ready for readiness and /health/live for liveness', () => {
      expect(container?.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(container?.livenessProbe?.httpGet?.path).toBe('/health/live');
    });

    it('requests resources and has 30 s to shut down', () => {
      expect(container?.resources?.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
      expect(pod?.terminationGracePeriodSeconds).toBe(30);
    });

    it('is given only env its config class declares, from the ConfigMap and Secret', () => {
      expect(
        unknownEnv(
          name,
          (container?.env ?? []).map((e) => e.name),
        ),
      ).toEqual([]);
      expect(container?.envFrom).toEqual(expect.arrayContaining([{ configMapRef: { name: 'agentry-config' } }]));
    });

    it('signs in to NATS as its own user, with its password from the Secret', () => {
      expect(container?.env).toEqual(
        expect.arrayContaining([
          { name: 'NATS_USER', value: name },
          { name: 'NATS_PASSWORD', valueFrom: { secretKeyRef: { name: 'agentry-secrets', key: natsPasswordVariable(name) } } },
        ]),
      );
      expect(find('Secret', 'agentry-secrets')?.stringData?.[natsPasswordVariable(name)]).toBeDefined();
    });

    it('has a Service selecting its pods', () => {
      const service = find('Service', `agentry-${name}`);
      expect(service?.spec?.selector).toEqual(deployment?.spec?.template?.metadata?.labels);
    });
  });

  it('runs migrations in a Job and not in the replicas', () => {
    expect(configMap?.data?.MIGRATIONS_RUN).toBe('false');
    const job = find('Job', 'agentry-migrate');
    const container = job?.spec?.template?.spec.containers[0];
    expect(container?.env).toEqual(expect.arrayContaining([{ name: 'MIGRATIONS_RUN', value: 'true' }]));
    const script = (container?.args ?? []).join('\n');
    for (const name of SERVICES) expect(script).toContain(name);
    // first the JetStream the services may not create, as the provisioner
    expect(script).toContain(
      'NATS_USER=provisioner NATS_PASSWORD="$NATS_PROVISIONER_PASSWORD" node libs/common/dist/nats/provision-main.js',
    );
    expect(script.indexOf('provision-main.js')).toBeLessThan(script.indexOf('for service in'));
    // each service it starts signs in to NATS as itself
    expect(script).toContain('NATS_USER="$service" NATS_PASSWORD="$(printenv "NATS_${upper}_PASSWORD")"');
    const given = (container?.env ?? []).map((e) => e.name);
    for (const name of SERVICES) expect(given).toContain(natsPasswordVariable(name));
  });
});
