import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { parse } from 'yaml';
import { workspaceRoot } from '@offramp/testing';
import { SERVICES, SLICES } from '../services.js';
import { copyDeployment, unhashed, type DeploymentCopy } from './render-manifests.js';

interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: {
    template: {
      spec: {
        containers: { envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]; volumeMounts?: { name: string; mountPath: string }[] }[];
        volumes?: { name: string; secret?: { secretName: string } }[];
      };
    };
  };
}

const decoded = (secret: Manifest) =>
  Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));

/**
 * The deployment files carry issue 9's secrets per service: rendered by `kubectl kustomize` (the
 * real tool) with credentials from docker/make-credentials.mjs and the example secret files, and
 * docker/compose.yaml read as compose reads it (YAML merge keys).
 */
describe('secrets per service in docker/k8s/base and docker/compose.yaml (kubectl kustomize)', () => {
  let copy: DeploymentCopy;
  let manifests: Manifest[];
  let credentials: string;

  beforeAll(async () => {
    copy = await copyDeployment();
    credentials = copy.credentials;
    manifests = (await copy.render('base')) as unknown as Manifest[];
  });

  afterAll(() => copy?.remove());

  const find = (kind: string, name: string) => {
    const found = manifests.find((manifest) => manifest.kind === kind && unhashed(manifest.metadata.name) === name);
    if (!found) throw new Error(`no ${kind} ${name} in the rendered base`);
    return found;
  };

  it('gives every Deployment its own Secrets only, its NATS seed mounted where NATS_NKEY_SEED_FILE points, and production mode', () => {
    const config = find('ConfigMap', 'offramp-config').data ?? {};
    expect(config).toMatchObject({ OFFRAMP_ENV: 'production', NATS_NKEY_SEED_FILE: '/var/run/secrets/offramp/nats.nk' });
    for (const service of SERVICES) {
      const pod = find('Deployment', service).spec?.template.spec;
      const [container] = pod?.containers ?? [];
      const secrets = [
        ...(container?.envFrom ?? []).flatMap((source) => (source.secretRef ? [unhashed(source.secretRef.name)] : [])),
        ...(pod?.volumes ?? []).flatMap((volume) => (volume.secret ? [unhashed(volume.secret.secretName)] : [])),
      ];
      expect(secrets.sort()).toEqual([`${service}-nats`, `${service}-secrets`]);
      const seedVolume = pod?.volumes?.find((volume) => volume.secret && unhashed(volume.secret.secretName) === `${service}-nats`);
      expect(container?.volumeMounts).toContainEqual(expect.objectContaining({ name: seedVolume?.name, mountPath: '/var/run/secrets/offramp' }));
      expect(decoded(find('Secret', `${service}-nats`))).toEqual({ 'nats.nk': readFileSync(join(credentials, `${service}.nk`), 'utf8') });
    }
  });

  it('keeps the identity private key and APP_KEY in the gateway’s Secret alone; slices get the public key', () => {
    const gateway = decoded(find('Secret', 'gateway-secrets'));
    expect(Object.keys(gateway).sort()).toEqual([
      'APP_KEY',
      'DATABASE_URL',
      'GATEWAY_ADMIN_TOKEN',
      'GATEWAY_INTEGRATIONS_ADMIN_TOKEN',
      'GATEWAY_PIPELINES_ADMIN_TOKEN',
      'IDENTITY_TOKEN_PRIVATE_KEY',
    ]);
    expect(gateway.IDENTITY_TOKEN_PRIVATE_KEY).toMatch(/^-----BEGIN PRIVATE KEY-----\\n/);
    for (const slice of SLICES) {
      const adminToken = ({ integrations: ['INTEGRATIONS_ADMIN_TOKEN'], pipelines: ['PIPELINES_ADMIN_TOKEN'] } as Record<string, string[]>)[slice] ?? [];
      expect(Object.keys(decoded(find('Secret', `${slice}-secrets`))).sort()).toEqual(['DATABASE_URL', ...adminToken]);
      const sources = find('Deployment', slice).spec?.template.spec.containers[0]?.envFrom ?? [];
      expect(sources.map((source) => unhashed(source.configMapRef?.name ?? ''))).toContain('offramp-identity-public');
    }
    expect(Object.keys(find('ConfigMap', 'offramp-identity-public').data ?? {})).toEqual(['IDENTITY_TOKEN_PUBLIC_KEY']);
    const everything = JSON.stringify(
      manifests.filter((manifest) => !(manifest.kind === 'Secret' && unhashed(manifest.metadata.name) === 'gateway-secrets')).map(decodedOrData),
    );
    expect(everything).not.toMatch(/IDENTITY_TOKEN_PRIVATE_KEY|APP_KEY|IDENTITY_TOKEN_SECRET|PRIVATE KEY/);
  });

  it('hands the NATS nodes the public keys of the four users from the nats-nkeys ConfigMap, the migration Job its own Secret', () => {
    const nkeys = find('ConfigMap', 'nats-nkeys');
    expect(nkeys.data).toEqual(parseEnv(readFileSync(join(credentials, 'nkeys.env'), 'utf8')));
    const [nats] = (find('StatefulSet', 'nats') as unknown as { spec: { template: { spec: { containers: NatsContainer[] } } } }).spec.template.spec.containers;
    const fromNkeys = (nats?.env ?? []).filter((variable) => variable.valueFrom?.configMapKeyRef?.name === nkeys.metadata.name);
    expect(fromNkeys.map((variable) => variable.name).sort()).toEqual(Object.keys(nkeys.data ?? {}).sort());
    expect(fromNkeys.every((variable) => variable.name === variable.valueFrom?.configMapKeyRef?.key)).toBe(true);
    expect(Object.keys(decoded(find('Secret', 'migrate-secrets')))).toEqual(['DATABASE_URL']);
  });

  it('compose gives each service its own NATS seed, APP_KEY to the monolith and the gateway only, the private key to the gateway only', () => {
    type ComposeService = { environment?: Record<string, string>; env_file?: string[]; secrets?: { source: string; target: string }[]; command?: string[] };
    const compose = parse(readFileSync(join(workspaceRoot(), 'docker/compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
    const services = compose.services;
    expect(
      Object.keys(services)
        .filter((name) => services[name]?.environment?.APP_KEY !== undefined)
        .sort(),
    ).toEqual(['gateway', 'legacy']);
    for (const service of SERVICES) {
      const definition = services[service];
      expect(definition?.environment).toMatchObject({ OFFRAMP_ENV: 'production', NATS_NKEY_SEED_FILE: '/run/secrets/nats-nkey' });
      expect(definition?.secrets).toEqual([{ source: `${service}-nkey`, target: 'nats-nkey' }]);
      expect(definition?.env_file).toEqual([service === 'gateway' ? 'credentials/identity-private.env' : 'credentials/identity-public.env']);
      expect(definition?.environment?.IDENTITY_TOKEN_SECRET).toBeUndefined();
    }
    expect(services.nats?.command?.slice(0, 2)).toEqual(['-c', '/etc/nats/offramp.conf']);
    expect(services.nats?.env_file).toEqual(['credentials/nkeys.env']);
  });
});

interface NatsContainer {
  env?: { name: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } }[];
}

function decodedOrData(manifest: Manifest): unknown {
  return manifest.kind === 'Secret' ? { ...manifest, data: decoded(manifest) } : manifest;
}
