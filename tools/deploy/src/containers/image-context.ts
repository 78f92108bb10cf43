import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectGraph } from '@nx/devkit';
import { createLockFile, createPackageJson } from '@nx/js';

/**
 * Database drivers TypeORM loads by name at run time (so no import shows them to Nx): the images
 * carry MariaDB/MySQL and PostgreSQL. SQLite (better-sqlite3, a native addon) is for local runs.
 */
const RUNTIME_DRIVERS = ['mysql2', 'pg'];

/**
 * Built projects an app reads from beside its own folder, staged in `beside/` and copied to /srv:
 * the gateway serves the dashboard from ../../dashboard/dist relative to its dist/ (gateway.module).
 */
const BESIDE: Record<string, string[]> = { gateway: ['apps/dashboard/dist'] };

export interface ImageContext {
  folder: string;
  /** Workspace libraries copied in (built), beside the npm dependencies. */
  libs: string[];
  dependencies: number;
}

/**
 * The build context of one service's image, holding only what that service needs: Nx's pruned
 * package.json and lockfile (its npm dependencies, those of the libraries it imports included,
 * production only), its build output and that of each workspace library it depends on.
 *
 *   package.json, package-lock.json   for `npm ci --omit=dev` in the Dockerfile
 *   app/                               apps/<app>: package.json, dist/ (and routes.yaml)
 *   libs/<name>/                       each @offramp library: package.json, dist/
 *   beside/                            what the app reads beside it (the gateway: dashboard/dist), else empty
 */
export function stageImageContext(root: string, app: string, graph: ProjectGraph, folder: string): ImageContext {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const manifest = createPackageJson(app, graph, { isProduction: true, root });
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const dependencies: Record<string, string> = { ...(manifest.dependencies ?? {}) };
  for (const name of Object.keys(dependencies)) if (name.startsWith('@offramp/')) delete dependencies[name];
  const libs = workspaceLibraries(app, graph);
  for (const driver of RUNTIME_DRIVERS) dependencies[driver] ??= rootManifest.dependencies[driver] ?? '*';
  const pruned: Parameters<typeof createLockFile>[0] = {
    name: `@offramp/${app}-image`,
    version: manifest.version ?? '0.0.0',
    private: true,
    type: 'module',
    dependencies,
  };
  writeFileSync(join(folder, 'package-lock.json'), createLockFile(pruned, graph, 'npm'));
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(pruned, null, 2)}\n`);

  copyBuilt(join(root, 'apps', app), join(folder, 'app'), ['routes.yaml']);
  const names = libs.map((lib) => {
    const projectRoot = graph.nodes[lib]?.data.root ?? '';
    const name = (JSON.parse(readFileSync(join(root, projectRoot, 'package.json'), 'utf8')) as { name: string }).name;
    copyBuilt(join(root, projectRoot), join(folder, 'libs', name.replace(/^@offramp\//, '')));
    return name;
  });
  mkdirSync(join(folder, 'beside'));
  for (const built of BESIDE[app] ?? []) {
    if (!existsSync(join(root, built))) throw new Error(`${join(root, built)} is missing: build it first (nx run-many -t build)`);
    cpSync(join(root, built), join(folder, 'beside', built.replace(/^apps\//, '')), { recursive: true, filter: (source) => !source.endsWith('.map') });
  }
  return { folder, libs: names, dependencies: Object.keys(dependencies).length };
}

/** The workspace libraries an app imports, directly or through another library (Nx's project graph). */
function workspaceLibraries(app: string, graph: ProjectGraph): string[] {
  const found = new Set<string>();
  const visit = (project: string) => {
    for (const edge of graph.dependencies[project] ?? []) {
      const node = graph.nodes[edge.target];
      // Test helpers (type:testing) are imported by specs only, never at run time.
      if (!node || node.type !== 'lib' || node.data.tags?.includes('type:testing') || found.has(edge.target)) continue;
      found.add(edge.target);
      visit(edge.target);
    }
  };
  visit(app);
  return [...found].sort();
}

/** package.json and dist/ of a project (its build output must exist: nx build runs first). */
function copyBuilt(from: string, to: string, extra: string[] = []): void {
  if (!existsSync(join(from, 'dist'))) throw new Error(`${from}/dist is missing: build it first (nx run-many -t build)`);
  mkdirSync(to, { recursive: true });
  cpSync(join(from, 'package.json'), join(to, 'package.json'));
  cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.map') });
  for (const file of extra) if (existsSync(join(from, file))) cpSync(join(from, file), join(to, file));
}
