/** One line of pretty-printed JSON, with the path (`$.items[0].price`) of the value it shows. */
export interface JsonLine {
  depth: number;
  text: string;
  path: string;
  /** This value, or one inside it, differs from the other side. */
  differs: boolean;
}

/**
 * A JSON value as indented lines, each knowing its path, so the side-by-side diff can highlight
 * the paths the gateway found different (`body:$.price` in a mismatch's differences) on both sides.
 * Paths are written as the gateway writes them (`.name`, or `["odd key"]`, and `[index]`).
 */
export function jsonLines(value: unknown, differing: ReadonlySet<string>): JsonLine[] {
  const lines: JsonLine[] = [];
  const marks = (path: string) => differing.has(path) || [...differing].some((other) => other.startsWith(`${path}.`) || other.startsWith(`${path}[`));
  const walk = (node: unknown, path: string, depth: number, label: string, trailing: string) => {
    const differs = marks(path);
    if (Array.isArray(node) || (node !== null && typeof node === 'object')) {
      const entries = Array.isArray(node) ? node.map((item, index) => [String(index), item] as const) : Object.entries(node as Record<string, unknown>);
      const [open, close] = Array.isArray(node) ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) return void lines.push({ depth, text: `${label}${open}${close}${trailing}`, path, differs });
      lines.push({ depth, text: `${label}${open}`, path, differs: differing.has(path) });
      entries.forEach(([key, child], index) => {
        const childPath = Array.isArray(node) ? `${path}[${key}]` : `${path}${segment(key)}`;
        walk(child, childPath, depth + 1, Array.isArray(node) ? '' : `${JSON.stringify(key)}: `, index < entries.length - 1 ? ',' : '');
      });
      lines.push({ depth, text: `${close}${trailing}`, path, differs: differing.has(path) });
      return;
    }
    lines.push({ depth, text: `${label}${node === undefined ? '(absent)' : JSON.stringify(node)}${trailing}`, path, differs });
  };
  walk(value, '$', 0, '', '');
  return lines;
}

/** The JSON paths among a mismatch's differences (`body:$.a` → `$.a`; `body:*`, bodies that are not both JSON, → the whole body). */
export function bodyPaths(differences: readonly { key: string }[]): Set<string> {
  return new Set(
    differences
      .filter((difference) => difference.key.startsWith('body:'))
      .map((difference) => (difference.key === 'body:*' ? '$' : difference.key.slice('body:'.length))),
  );
}

function segment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
