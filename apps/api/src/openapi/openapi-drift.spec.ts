import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, openApiDrift } from '@offramp/contracts';
import { workspaceRoot } from '@offramp/testing';

const committedPath = join(workspaceRoot(), 'libs/contracts/openapi/api.openapi.json');

describe('the committed OpenAPI document of the api (libs/contracts/openapi/api.openapi.json)', () => {
  let fresh: unknown;
  let committed: Record<string, unknown>;

  beforeAll(async () => {
    // From the decorators, by the built entry the generator runs (Nest in preview mode: no port,
    // no database). A child process because Jest's ESM mode cannot load @nestjs/throttler (CJS).
    const generated = execFileSync(process.execPath, [join(workspaceRoot(), 'apps/api/dist/openapi.js')], { encoding: 'utf8' });
    fresh = JSON.parse(canonicalJson(JSON.parse(generated)));
    committed = JSON.parse(readFileSync(committedPath, 'utf8'));
  });

  it('is what the decorators generate today (else: npm run contracts:openapi)', () => {
    expect(openApiDrift(committed, fresh)).toEqual([]);
  });

  it('the drift check fails on a deliberately broken copy', () => {
    const broken = structuredClone(committed) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    delete broken.paths['/api/orders/{id}'];
    delete broken.components.schemas['ProductDto'].properties['stock'];
    expect(openApiDrift(broken, fresh)).toEqual(['/components/schemas/ProductDto/properties/stock', '/paths/~1api~1orders~1{id}']);
  });
});
