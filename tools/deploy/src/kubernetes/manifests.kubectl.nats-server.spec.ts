import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv, promisify } from 'node:util';
import { parse } from 'yaml';
import { ruleProblems } from './manifest-rules.js';
import { copyDeployment, unhashed, type DeploymentCopy, type KubernetesObject } from './render-manifests.js';
import { schemaProblems } from './schema-validation.js';
import { SERVICES, SLICES } from '../services.js';

const run = promisify(execFile);
const OVERLAYS = ['local', 'production'] as const;

async function problemsOf(objects: KubernetesObject[]): Promise<string[]> {
  const problems = await Promise.all(objects.map(async (object) => [...(await schemaProblems(object)), ...ruleProblems(object)]));
  return problems.flat();
}

const named = (objects: KubernetesObject[], kind: string, name: string) => {
  const found = objects.find((object) => object.kind === kind && unhashed(object.metadata.name) === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.length} rendered objects`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests pick fields out of objects the schema check above already typed
  return found as KubernetesObject & { spec: Record<string, any>; data?: Record<string, string> };
};

/**
 * Every overlay of docker/k8s rendered by `kubectl kustomize` (the real tool), every object
 * checked against the Kubernetes schemas offline (kubernetes-models) and against our own rules.
 */
describe('Kubernetes manifests: every overlay renders and validates (kubectl kustomize, Kubernetes schemas, our rules)', () => {
  let copy: DeploymentCopy;
  const rendered = new Map<string, KubernetesObject[]>();

  beforeAll(async () => {
    copy = await copyDeployment();
    for (const overlay of OVERLAYS) rendered.set(overlay, await copy.render(`overlays/${overlay}`));
  });

  afterAll(() => copy?.remove());

  it.each(OVERLAYS)('%s: every object is valid Kubernetes and keeps our rules', async (overlay) => {
    const objects = rendered.get(overlay) ?? [];
    expect(objects.length).toBeGreaterThan(20);
    expect(await problemsOf(objects)).toEqual([]);
    for (const object of objects) expect(object.metadata.namespace ?? (object.kind === 'Namespace' ? object.metadata.name : undefined)).toMatch(/^offramp/);
  });

  it.each(OVERLAYS)('%s: each service deploys on its own: Deployment, Service, probes on /health/live and /health/ready, its own Secrets', (overlay) => {
    const objects = rendered.get(overlay) ?? [];
    for (const service of SERVICES) {
      const pod = named(objects, 'Deployment', service).spec.template.spec;
      const [container] = pod.containers;
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(named(objects, 'Service', service).spec.selector).toEqual({ 'app.kubernetes.io/name': service });
      const secrets = [
        ...container.envFrom.flatMap((source: { secretRef?: { name: string } }) => (source.secretRef ? [unhashed(source.secretRef.name)] : [])),
        ...pod.volumes.flatMap((volume: { secret?: { secretName: string } }) => (volume.secret ? [unhashed(volume.secret.secretName)] : [])),
      ];
      expect(secrets.sort()).toEqual([`${service}-nats`, `${service}-secrets`]);
    }
  });

  it.each(OVERLAYS)("%s: a migrate Job per slice that owns tables, its release's image, its own DDL Secret; the services only verify", (overlay) => {
    const objects = rendered.get(overlay) ?? [];
    const deployments = new Map(SERVICES.map((service) => [service, named(objects, 'Deployment', service).spec.template.spec.containers[0].image]));
    for (const slice of ['pipelines', 'integrations'] as const) {
      const pod = named(objects, 'Job', `${slice}-migrate`).spec.template.spec;
      const [container] = pod.containers;
      expect(container.command).toEqual(['node', 'dist/migrate.js']);
      expect(container.image).toBe(deployments.get(slice));
      expect(container.envFrom.map((source: { secretRef?: { name: string } }) => unhashed(source.secretRef?.name ?? ''))).toEqual([`${slice}-migrate-secrets`]);
      expect(Object.keys(named(objects, 'Secret', `${slice}-migrate-secrets`).data ?? {})).toEqual(['DATABASE_URL']);
    }
    expect(named(objects, 'ConfigMap', 'offramp-config').data?.DATABASE_MIGRATIONS).toBe('verify');
  });

  it('production: 3 NATS nodes with R3 streams, autoscaled gateway and api, disruption budgets, pinned images from the registry', () => {
    const objects = rendered.get('production') ?? [];
    const nats = named(objects, 'StatefulSet', 'nats');
    expect(nats.spec.replicas).toBe(3);
    expect(nats.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    const natsConf = named(objects, 'ConfigMap', 'nats-config').data?.['nats.conf'] ?? '';
    for (const node of [0, 1, 2]) expect(natsConf).toContain(`nats://nats-${node}.nats-cluster:6222`);
    expect(named(objects, 'ConfigMap', 'nats-config').data?.['accounts.conf']).toBe(readFileSync(join(copy.path, 'nats/accounts.conf'), 'utf8'));
    expect(named(objects, 'ConfigMap', 'offramp-config').data?.EVENTS_STREAM_REPLICAS).toBe('3');
    expect(named(objects, 'ConfigMap', 'offramp-config').data?.GATEWAY_NATS_REPLICAS).toBe('3');
    for (const service of ['gateway', 'api']) {
      const autoscaler = named(objects, 'HorizontalPodAutoscaler', service);
      expect(autoscaler.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: service });
      // The autoscaler owns the count: an apply must not reset it.
      expect(named(objects, 'Deployment', service).spec.replicas).toBeUndefined();
    }
    for (const name of [...SERVICES, 'nats'])
      expect(named(objects, 'PodDisruptionBudget', name).spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': name });
    expect(named(objects, 'Deployment', 'api').spec.template.spec.containers[0].image).toBe('registry.example.com/offramp/api:0.1.0');
    expect(named(objects, 'Job', 'offramp-migrate').spec.template.spec.containers[0].command).toEqual([
      'php',
      'artisan',
      'migrate',
      '--force',
      '--no-interaction',
    ]);
  });

  it('local: one NATS node without the cluster block and R1 streams, no autoscalers or budgets, the :local images', () => {
    const objects = rendered.get('local') ?? [];
    expect(named(objects, 'StatefulSet', 'nats').spec.replicas).toBe(1);
    expect(named(objects, 'ConfigMap', 'nats-config').data?.['nats.conf']).not.toMatch(/cluster\s*\{/);
    expect(named(objects, 'ConfigMap', 'offramp-config').data?.EVENTS_STREAM_REPLICAS).toBe('1');
    expect(named(objects, 'ConfigMap', 'offramp-config').data?.GATEWAY_NATS_REPLICAS).toBe('1');
    expect(objects.filter((object) => ['HorizontalPodAutoscaler', 'PodDisruptionBudget'].includes(object.kind))).toEqual([]);
    for (const service of SERVICES) expect(named(objects, 'Deployment', service).spec.template.spec.containers[0].image).toBe(`offramp/${service}:local`);
  });

  it('network policies: everything denied but the gateway’s port; slices only from the gateway; NATS clients only our services', () => {
    const objects = rendered.get('production') ?? [];
    expect(named(objects, 'NetworkPolicy', 'offramp-default-deny-ingress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'offramp' } },
      policyTypes: ['Ingress'],
    });
    const slices = named(objects, 'NetworkPolicy', 'slices-from-gateway-only').spec;
    expect(slices.podSelector.matchExpressions[0].values.sort()).toEqual([...SLICES].sort());
    expect(slices.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }], ports: [{ port: 'http' }] }]);
    const nats = named(objects, 'NetworkPolicy', 'nats-from-offramp-only').spec;
    expect(nats.ingress[0].from[0].podSelector.matchExpressions[0].values.sort()).toEqual([...SERVICES].sort());
  });

  it.each(OVERLAYS)('%s: the NATS configuration the pods mount is one nats-server accepts (nats-server -t)', async (overlay) => {
    const objects = rendered.get(overlay) ?? [];
    const folder = join(copy.path, `nats-config-${overlay}`);
    mkdirSync(folder);
    for (const [file, content] of Object.entries(named(objects, 'ConfigMap', 'nats-config').data ?? {})) writeFileSync(join(folder, file), content);
    const env = { ...process.env, POD_NAME: 'nats-0', ...parseEnv(readFileSync(join(copy.credentials, 'nkeys.env'), 'utf8')) };
    const { stdout, stderr } = await run(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-t', '-c', join(folder, 'nats.conf')], { env });
    expect(`${stdout}${stderr}`).toMatch(/configuration file .* is valid/);
  });

  it('a deliberately broken manifest fails: schema errors and rule breaks are named', async () => {
    const overlay = join(copy.path, 'k8s/overlays/production');
    const kustomization = parse(readFileSync(join(overlay, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    writeFileSync(
      join(overlay, 'broken.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: broken }
spec:
  replicas: two
  selector: { matchLabels: { app: broken } }
  template:
    metadata: { labels: { app: broken } }
    spec:
      containers:
        - name: broken
          image: offramp/broken:latest
          readinessProbe: { httpGet: { path: /health/ready } }
`,
    );
    writeFileSync(join(overlay, 'kustomization.yaml'), JSON.stringify({ ...kustomization, resources: [...kustomization.resources, 'broken.yaml'] }));
    const problems = await problemsOf(await copy.render('overlays/production'));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Deployment broken: .*data\/spec\/replicas must be integer/),
        expect.stringMatching(/^Deployment broken: .*readinessProbe\/httpGet must have required property port/),
        'Deployment broken container broken: no livenessProbe',
        'Deployment broken container broken: no memory limit',
        'Deployment broken container broken: runAsNonRoot is not true',
        'Deployment broken container broken: image offramp/broken:latest is tagged latest',
      ]),
    );
    expect(problems.every((problem) => problem.startsWith('Deployment broken'))).toBe(true);
    expect(await schemaProblems({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'typo' } })).toEqual([
      'Deploymnet typo: apps/v1 has no kind Deploymnet',
    ]);
  });
});
