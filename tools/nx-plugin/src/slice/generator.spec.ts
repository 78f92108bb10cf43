import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { FsTree } from '@nx/devkit/internal';
import { workspaceRoot } from '@offramp/testing';
import sliceGenerator from './generator.js';
import { SliceRefusedError } from './slice-refused.error.js';

const root = workspaceRoot();
/** The real workspace as a tree: the generator reads the files it edits from disk and keeps its changes in memory (nothing is flushed). */
const workspaceTree = (): Tree => new FsTree(root, false);

const contentOf = (tree: Tree) =>
  new Map(
    tree
      .listChanges()
      .map((change) => [change.path, `${change.type}:${change.content ? createHash('sha256').update(change.content).digest('hex') : ''}`] as const),
  );

async function refusal(tree: Tree, schema: Parameters<typeof sliceGenerator>[1]): Promise<SliceRefusedError> {
  const error = await sliceGenerator(tree, schema).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof SliceRefusedError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe('the slice generator on a tree of the real workspace files', () => {
  it('makes the slice and its workspace entries in the tree only', async () => {
    const onDisk = readFileSync(join(root, 'tools/stack/src/services.ts'), 'utf8');
    const tree = workspaceTree();
    await sliceGenerator(tree, { name: 'billing', routes: ['GET /billing/invoices/{id}'], consumer: ['shop.orders.paid.v1'] });
    const changed = tree.listChanges().map((change) => `${change.type} ${change.path}`);
    expect(changed).toEqual(
      expect.arrayContaining([
        'CREATE apps/billing/src/main.ts',
        'CREATE apps/billing/src/get-billing-invoices-by-id/get-billing-invoices-by-id.controller.ts',
        'CREATE apps/billing/src/on-shop-orders-paid-v1/on-shop-orders-paid-v1.handler.ts',
        'UPDATE tools/stack/src/services.ts',
        'UPDATE apps/gateway/routes.yaml',
        'CREATE docker/k8s/base/billing.yaml',
        'UPDATE docker/nats/accounts.conf',
        'UPDATE eslint.config.js',
      ]),
    );
    expect(tree.read('tools/stack/src/services.ts', 'utf-8')).toContain("nodeService('billing', 3004),");
    expect(tree.read('apps/gateway/routes.yaml', 'utf-8')).toMatch(
      /- method: GET\|HEAD\n\s+path: \/billing\/invoices\/\{id\}\n\s+state: legacy\n\s+service: billing\n/,
    );
    expect(tree.read('docker/compose.yaml', 'utf-8')).toMatch(/GATEWAY_SERVICES: [^\n]*,billing=http:\/\/billing:3004\n/);
    expect(tree.read('docker/nats/accounts.conf', 'utf-8')).toContain('"$JS.API.CONSUMER.MSG.NEXT.OFFRAMP_EVENTS.billing-shop-orders-paid-v1"');
    expect(tree.read('eslint.config.js', 'utf-8')).toContain("{ sourceTag: 'scope:billing', onlyDependOnLibsWithTags: ['scope:shared', 'scope:billing'] },");
    expect(tree.read('tools/deploy/src/services.ts', 'utf-8')).toMatch(/SLICES = \[[^\]]*'billing'\] as const/);
    expect(tree.read('CONTRIBUTING.md', 'utf-8')).toMatch(/`integrations`, `billing` \| that service running as a process/);
    expect(tree.read('libs/contracts/src/events/event-catalog.ts', 'utf-8')).toContain(
      "consumers: ['integrations (partner webhooks)', 'billing (shop.orders.paid.v1)']",
    );
    expect(tree.read('libs/contracts/asyncapi/events.asyncapi.json', 'utf-8')).toContain('"billing (shop.orders.paid.v1)"');
    expect(JSON.parse(tree.read('package-lock.json', 'utf-8') ?? '{}').packages['node_modules/@offramp/billing']).toEqual({
      resolved: 'apps/billing',
      link: true,
    });
    // What --dry-run relies on: the generator only records changes; the disk is as it was.
    expect(readFileSync(join(root, 'tools/stack/src/services.ts'), 'utf8')).toBe(onDisk);
    expect(existsSync(join(root, 'apps/billing'))).toBe(false);
  });

  it('changes nothing when run a second time', async () => {
    const tree = workspaceTree();
    const schema = { name: 'billing', http: true, consumer: ['shop.orders.paid.v1'] };
    await sliceGenerator(tree, schema);
    const first = contentOf(tree);
    await sliceGenerator(tree, schema);
    expect(contentOf(tree)).toEqual(first);
    // Without --port too: the slice keeps the port it was given.
    await sliceGenerator(tree, { name: 'billing', http: true, consumer: ['shop.orders.paid.v1'], port: undefined });
    expect(contentOf(tree)).toEqual(first);
  });

  it('puts back a workspace entry that went missing, and only that', async () => {
    const tree = workspaceTree();
    await sliceGenerator(tree, { name: 'billing', http: true });
    const first = contentOf(tree);
    const services = tree.read('tools/stack/src/services.ts', 'utf-8') ?? '';
    tree.write('tools/stack/src/services.ts', services.replace("  nodeService('billing', 3004),\n", ''));
    await sliceGenerator(tree, { name: 'billing', http: true });
    expect(contentOf(tree)).toEqual(first);
  });

  it('refuses a name that is taken, naming the file', async () => {
    const error = await refusal(workspaceTree(), { name: 'pipelines', http: true });
    expect(error.code).toBe('name-taken');
    expect(error.message).toBe('name "pipelines" is taken by the project in apps/pipelines/project.json');
    expect((await refusal(workspaceTree(), { name: 'testing', http: true })).message).toBe(
      'name "testing" is taken by the project in libs/testing/project.json',
    );
  });

  it('refuses a port that is taken, naming the service and the file', async () => {
    const error = await refusal(workspaceTree(), { name: 'billing', http: true, port: 3003 });
    expect(error.code).toBe('port-taken');
    expect(error.message).toBe('port 3003 is taken by pipelines in tools/stack/src/services.ts');
    expect((await refusal(workspaceTree(), { name: 'billing', http: true, port: 8081 })).message).toBe(
      'port 8081 is taken by gateway admin in tools/stack/src/services.ts',
    );
    const tree = workspaceTree();
    await sliceGenerator(tree, { name: 'billing', http: true });
    expect((await refusal(tree, { name: 'billing', http: true, port: 3010 })).message).toBe(
      'slice billing exists on port 3004 (apps/billing/project.json): run again without --port or with --port 3004',
    );
  });

  it('refuses a route another service has, an unknown subject and bad input, before writing anything', async () => {
    const tree = workspaceTree();
    expect((await refusal(tree, { name: 'billing', routes: ['GET /reports/sales.csv'] })).message).toBe(
      'route GET /reports/sales.csv is taken by pipelines in apps/gateway/routes.yaml',
    );
    expect((await refusal(tree, { name: 'billing', consumer: ['shop.orders.refunded.v1'] })).code).toBe('unknown-subject');
    expect((await refusal(tree, { name: 'Billing', http: true })).code).toBe('bad-name');
    expect((await refusal(tree, { name: 'billing', routes: ['FETCH /x'] })).code).toBe('bad-route');
    expect((await refusal(tree, { name: 'billing' })).code).toBe('nothing-to-do');
    expect(tree.listChanges()).toEqual([]);
  });
});
