import { formatFiles, getProjects, logger, type Tree } from '@nx/devkit';
import { appFiles } from './app-files.js';
import { normalizeOptions, type SliceSchema } from './slice-options.js';
import {
  addBoundaries,
  addImage,
  addNatsUser,
  addOpenApi,
  addRoutes,
  addToCompose,
  addToEventCatalog,
  addToKubernetes,
  addToLockfile,
  addToStack,
  generatedSlicePort,
  nextSlicePort,
  refuseTaken,
} from './workspace-entries.js';

/**
 * `npx nx g @offramp/tools:slice <name> [--port N] [--http] [--consumer <subject>…] [--routes "GET /x/{id}"…] [--dry-run]`
 *
 * A second run for a slice it made leaves apps/<name> as it is (it is the team's code by then) and
 * only puts back a workspace entry that went missing; with nothing missing it changes nothing.
 */
export default async function sliceGenerator(tree: Tree, schema: SliceSchema): Promise<void> {
  const normalized = normalizeOptions(schema);
  const port = normalized.port ?? generatedSlicePort(tree, normalized.name) ?? nextSlicePort(tree);
  const options = { ...normalized, port };
  const projects = new Map([...getProjects(tree)].map(([name, project]) => [name, { root: project.root }]));
  refuseTaken(tree, options, projects);

  const files = appFiles(options);
  const existing = generatedSlicePort(tree, options.name) !== undefined;
  if (!existing) for (const [path, content] of Object.entries(files)) tree.write(path, content);
  const appPackage = JSON.parse(files[`apps/${options.name}/package.json`]);

  addToStack(tree, options);
  if (options.http) addRoutes(tree, options);
  addToCompose(tree, options);
  addToKubernetes(tree, options);
  addNatsUser(tree, options);
  addImage(tree, options);
  addOpenApi(tree, options);
  addToEventCatalog(tree, options);
  addBoundaries(tree, options);
  addToLockfile(tree, options, appPackage);

  await formatFiles(tree);
  const changes = tree.listChanges();
  if (changes.length === 0) {
    logger.info(`slice ${options.name} (port ${port}) is complete: nothing to change`);
    return;
  }
  logger.info(
    [
      `slice ${options.name} on port ${port}${options.http ? `, routes ${options.routes.map((route) => route.spec).join(', ')} (legacy)` : ''}${options.consumers.length ? `, consuming ${options.consumers.map((consumer) => consumer.subject).join(', ')}` : ''}.`,
      'Next:',
      `  npx nx run ${options.name}:build && npx nx run ${options.name}:test`,
      ...(options.http ? ['  npm run contracts:openapi      # its OpenAPI document in libs/contracts/openapi'] : []),
      `  npm start                      # the stack runs it on :${port}; promote a route with npx offramp routes promote`,
    ].join('\n'),
  );
}
