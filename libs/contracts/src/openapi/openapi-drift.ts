/** Key order does not matter to a JSON reader; it must not make the drift check flap either. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * Where a committed document and a fresh generation differ, as JSON pointers (empty: in sync).
 * The committed file is what frontends and the SDK were built from; a difference means someone
 * changed a decorator without regenerating (`npm run contracts:openapi`).
 */
export function openApiDrift(committed: unknown, fresh: unknown, at = ''): string[] {
  if (committed === fresh) return [];
  const bothObjects = committed && fresh && typeof committed === 'object' && typeof fresh === 'object' && Array.isArray(committed) === Array.isArray(fresh);
  if (!bothObjects) return [at || '/'];
  const a = committed as Record<string, unknown>;
  const b = fresh as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((key) => openApiDrift(a[key], b[key], `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`));
}
