import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface DashboardAsset {
  body: Buffer;
  contentType: string;
  /** Vite names built assets by their content hash: those may be cached for good, index.html never. */
  immutable: boolean;
}

/**
 * The built dashboard (apps/dashboard/dist), read into memory once at start: a request can only
 * ever get one of these files (no path from a request reaches the file system), and a missing
 * build is said once instead of on every request.
 */
export class DashboardAssets {
  private readonly files = new Map<string, DashboardAsset>();

  constructor(readonly directory: string) {
    if (!existsSync(join(directory, 'index.html'))) return;
    for (const file of walk(directory)) {
      const name = relative(directory, file).split(sep).join('/');
      this.files.set(name, {
        body: readFileSync(file),
        contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        immutable: name.startsWith('assets/'),
      });
    }
  }

  get built(): boolean {
    return this.files.has('index.html');
  }

  /** `''` and unknown names without a dot (the app's own paths) are the app's page. */
  get(name: string): DashboardAsset | undefined {
    const file = this.files.get(name);
    if (file) return file;
    return name.includes('.') ? undefined : this.files.get('index.html');
  }
}

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
