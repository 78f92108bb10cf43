import type { KubernetesObject } from './render-manifests.js';

/** The annotation on a pod template that allows a writable root filesystem, with the reason. */
export const WRITABLE_ROOT_ANNOTATION = 'offramp.io/writable-root-filesystem';

interface Container {
  name: string;
  image?: string;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: { cpu?: unknown; memory?: unknown }; limits?: { memory?: unknown } };
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}

interface PodTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[]; securityContext?: { runAsNonRoot?: boolean; runAsUser?: number } };
}

/** Workloads that keep running and so are probed; a Job's pod runs to its end. */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const WORKLOADS = new Set([...LONG_RUNNING, 'Job']);

/**
 * Our own rules for every workload (beyond what the schema demands): probes on what runs long,
 * CPU and memory requests and a memory limit, never root, no privilege escalation, a read-only
 * root filesystem unless the pod says why not, and images pinned to a tag other than `latest`.
 */
export function ruleProblems(object: KubernetesObject): string[] {
  if (!WORKLOADS.has(object.kind)) return [];
  const template = (object as { spec?: { template?: PodTemplate } }).spec?.template;
  const where = `${object.kind} ${object.metadata.name}`;
  if (!template?.spec?.containers) return [`${where}: no pod template`];
  const pod = template.spec.securityContext ?? {};
  const writableRootReason = template.metadata?.annotations?.[WRITABLE_ROOT_ANNOTATION];
  const problems: string[] = [];
  for (const container of [...(template.spec.initContainers ?? []), ...template.spec.containers]) {
    const at = `${where} container ${container.name}`;
    const security = container.securityContext ?? {};
    if (LONG_RUNNING.has(object.kind) && !template.spec.initContainers?.includes(container)) {
      if (!container.readinessProbe) problems.push(`${at}: no readinessProbe`);
      if (!container.livenessProbe) problems.push(`${at}: no livenessProbe`);
    }
    if (!container.resources?.requests?.cpu || !container.resources.requests.memory) problems.push(`${at}: no CPU and memory requests`);
    if (!container.resources?.limits?.memory) problems.push(`${at}: no memory limit`);
    if ((security.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${at}: runAsNonRoot is not true`);
    if ((security.runAsUser ?? pod.runAsUser) === 0) problems.push(`${at}: runs as uid 0`);
    if (security.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
    if (security.readOnlyRootFilesystem !== true && !writableRootReason) {
      problems.push(`${at}: root filesystem not read-only (or say why in the ${WRITABLE_ROOT_ANNOTATION} annotation)`);
    }
    problems.push(...imageProblems(at, container.image));
  }
  return problems;
}

function imageProblems(at: string, image: string | undefined): string[] {
  if (!image) return [`${at}: no image`];
  if (image.includes('@sha256:')) return [];
  // The tag follows the last colon after the last slash (a registry may have a port).
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  if (!tag) return [`${at}: image ${image} has no tag (that is "latest")`];
  return tag === 'latest' ? [`${at}: image ${image} is tagged latest`] : [];
}
