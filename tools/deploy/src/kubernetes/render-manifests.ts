import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { tempDir, workspaceRoot, type TempDir } from '@offramp/testing';

const run = promisify(execFile);

/** One rendered Kubernetes object, as `kubectl kustomize` prints it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * A copy of docker/ with the secrets a team makes before applying (git-ignored in the repo):
 * credentials from docker/make-credentials.mjs and each secrets/*.env from its .example.
 */
export interface DeploymentCopy {
  /** The copied docker/ folder. */
  readonly path: string;
  readonly credentials: string;
  /** `kubectl kustomize` of a folder under docker/k8s (base, overlays/local, …). */
  render(kustomization: string): Promise<KubernetesObject[]>;
  remove(): void;
}

export async function copyDeployment(): Promise<DeploymentCopy> {
  const dir: TempDir = tempDir('offramp-k8s-');
  const docker = join(dir.path, 'docker');
  cpSync(join(workspaceRoot(), 'docker'), docker, { recursive: true, filter: (source) => !/\/(credentials|k8s\/base\/secrets\/[^/]+\.env)$/.test(source) });
  const base = join(docker, 'k8s/base');
  const credentials = join(base, 'credentials');
  await run(process.execPath, [join(workspaceRoot(), 'docker/make-credentials.mjs'), credentials]);
  for (const file of readdirSync(join(base, 'secrets')).filter((name) => name.endsWith('.env.example'))) {
    copyFileSync(join(base, 'secrets', file), join(base, 'secrets', file.replace(/\.example$/, '')));
  }
  return {
    path: docker,
    credentials,
    render: (kustomization) => renderKustomization(join(docker, 'k8s', kustomization)),
    remove: dir.remove,
  };
}

export async function renderKustomization(folder: string): Promise<KubernetesObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', folder], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((document) => document.toJS() as KubernetesObject);
}

/** Kustomize adds a content hash to generated ConfigMaps and Secrets: their name without it. */
export const unhashed = (name: string) => name.replace(/-[a-z0-9]{10}$/, '');
