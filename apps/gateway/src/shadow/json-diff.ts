/** Paths (`$.items[0].price`) where two JSON values differ, at most `limit` of them. */
export function diffJson(left: unknown, right: unknown, limit = 50): string[] {
  const out: string[] = [];
  walk(left, right, '$', out, limit);
  return out;
}

function walk(left: unknown, right: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (Object.is(left, right)) return;
  if (Array.isArray(left) && Array.isArray(right)) {
    const length = Math.max(left.length, right.length);
    for (let index = 0; index < length; index++) walk(left[index], right[index], `${path}[${index}]`, out, limit);
    return;
  }
  if (isObject(left) && isObject(right)) {
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    for (const key of keys) walk(left[key], right[key], `${path}${segment(key)}`, out, limit);
    return;
  }
  out.push(path);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a key appears in a path: `.name`, or `["odd key"]`. Redaction walks JSON with the same paths. */
export function segment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** `$.items[3].id` → `$.items[*].id`: noise learned on one element applies to all. */
export function generalize(path: string): string {
  return path.replace(/\[\d+\]/g, '[*]');
}

/**
 * Ignore rules: `$.meta.generated_at` (and everything below it), `$.items[*].id` (any index),
 * `$..updated_at` (that key at any depth).
 */
export function compileIgnoreRules(patterns: readonly string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => false;
  const sources = patterns.map((pattern) => {
    let source = '';
    for (let index = 1; index < pattern.length;) {
      if (pattern.startsWith('..', index)) {
        source += '(?:\\.[^.[]+|\\[[^\\]]+\\])*\\.';
        index += 2;
      } else if (pattern.startsWith('[*]', index)) {
        source += '\\[\\d+\\]';
        index += 3;
      } else {
        source += escape(pattern.charAt(index));
        index += 1;
      }
    }
    return source;
  });
  const regex = new RegExp(`^\\$(?:${sources.join('|')})(?:[.[].*)?$`);
  return (path) => regex.test(path);
}

function escape(character: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(character) ? `\\${character}` : character;
}
