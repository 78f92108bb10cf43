import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, openApiDrift } from '@offramp/contracts';
import { workspaceRoot } from '@offramp/testing';

const committedPath = join(workspaceRoot(), 'libs/contracts/openapi/gateway.openapi.json');

describe('the committed OpenAPI document of the gateway admin API (libs/contracts/openapi/gateway.openapi.json)', () => {
  let fresh: Record<string, unknown>;
  let committed: Record<string, unknown>;

  beforeAll(() => {
    // From the decorators, by the built entry the generator runs (Nest in preview mode: no port, no NATS).
    const generated = execFileSync(process.execPath, [join(workspaceRoot(), 'apps/gateway/dist/openapi.js')], { encoding: 'utf8' });
    fresh = JSON.parse(canonicalJson(JSON.parse(generated)));
    committed = JSON.parse(readFileSync(committedPath, 'utf8'));
  });

  it('is what the decorators generate today (else: npm run contracts:openapi)', () => {
    expect(openApiDrift(committed, fresh)).toEqual([]);
  });

  it('describes every answer of every operation with a schema', () => {
    const paths = fresh['paths'] as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
    const undescribed = Object.entries(paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.entries(operation.responses)
          .filter(([, response]) => !Object.values(response.content ?? {}).some((content) => content.schema))
          .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
      ),
    );
    expect(undescribed).toEqual([]);
    expect(Object.keys(paths).sort()).toEqual([
      '/_offramp/admin/diffs',
      '/_offramp/admin/events',
      '/_offramp/admin/integrations/deliveries/{id}/replay',
      '/_offramp/admin/integrations/partners',
      '/_offramp/admin/integrations/partners/{id}/deliveries',
      '/_offramp/admin/integrations/partners/{id}/replay',
      '/_offramp/admin/integrations/replays',
      '/_offramp/admin/pipelines/jobs/failed',
      '/_offramp/admin/pipelines/jobs/failed/{uuid}/retry',
      '/_offramp/admin/pipelines/jobs/rates',
      '/_offramp/admin/pipelines/jobs/retries',
      '/_offramp/admin/routes',
      '/_offramp/admin/routes/history',
      '/_offramp/admin/routes/import',
      '/_offramp/admin/routes/promote',
      '/_offramp/admin/routes/resolve',
      '/_offramp/admin/routes/rollback',
      '/_offramp/admin/traffic/routes',
      '/_offramp/admin/traffic/series',
    ]);
  });

  it('the drift check fails on a deliberately broken copy', () => {
    const broken = structuredClone(committed) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    delete broken.paths['/_offramp/admin/diffs'];
    delete broken.components.schemas['ShadowVerdictDto'].properties['missing'];
    expect(openApiDrift(broken, fresh)).toEqual(['/components/schemas/ShadowVerdictDto/properties/missing', '/paths/~1_offramp~1admin~1diffs']);
  });
});
