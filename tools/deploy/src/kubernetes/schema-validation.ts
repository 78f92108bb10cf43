import type { KubernetesObject } from './render-manifests.js';

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/**
 * Checks an object against the Kubernetes OpenAPI schema of its apiVersion and kind, offline
 * (kubernetes-models' compiled schemas): types, required fields, enums. An apiVersion or kind
 * that Kubernetes does not have is a problem too.
 */
export async function schemaProblems(object: KubernetesObject): Promise<string[]> {
  const where = `${object.kind ?? '?'} ${object.metadata?.name ?? '?'}`;
  const apiVersion = object.apiVersion ?? '';
  // The core group is "v1"; the others are "<group>/<version>", each a folder of kubernetes-models.
  if (!/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) return [`${where}: apiVersion "${apiVersion}" is not a Kubernetes one`];
  let models: Record<string, unknown>;
  try {
    models = (await import(`kubernetes-models/${apiVersion}`)) as Record<string, unknown>;
  } catch {
    return [`${where}: no Kubernetes API group ${apiVersion}`];
  }
  const Model = models[object.kind] as ModelClass | undefined;
  if (typeof Model !== 'function') return [`${where}: ${apiVersion} has no kind ${object.kind}`];
  try {
    new Model(asTheApiServerReadsIt(object)).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

/**
 * Kustomize prints a long Secret value as a block with line breaks inside the base64; the API
 * server's base64 decoder skips line breaks, the schema's "byte" format does not.
 */
function asTheApiServerReadsIt(object: KubernetesObject): KubernetesObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null) return object;
  const data = Object.fromEntries(Object.entries(object.data as Record<string, string>).map(([key, value]) => [key, String(value).replace(/[\r\n]/g, '')]));
  return { ...object, data };
}
