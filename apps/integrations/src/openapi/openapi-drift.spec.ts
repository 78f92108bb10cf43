import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, openApiDrift } from '@offramp/contracts';
import { workspaceRoot } from '@offramp/testing';

const committedPath = join(workspaceRoot(), 'libs/contracts/openapi/integrations.openapi.json');

describe('the committed OpenAPI document of integrations (libs/contracts/openapi/integrations.openapi.json)', () => {
  let fresh: unknown;
  let committed: Record<string, unknown>;

  beforeAll(() => {
    // From the decorators, by the built entry the generator runs (Nest in preview mode: no port, no database).
    const generated = execFileSync(process.execPath, [join(workspaceRoot(), 'apps/integrations/dist/openapi.js')], { encoding: 'utf8' });
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
    delete broken.paths['/api/shipping/quote'];
    delete broken.components.schemas['PartnerDto'].properties['enabled'];
    expect(openApiDrift(broken, fresh)).toEqual(['/components/schemas/PartnerDto/properties/enabled', '/paths/~1api~1shipping~1quote']);
  });
});
