import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakingChanges, breakingChangeVerdict } from './breaking-changes.js';
import { CONTRACTS_ROOT } from './cli/paths.js';
import type { OpenApiDocument } from './openapi-types.js';

const committed: OpenApiDocument = JSON.parse(readFileSync(join(CONTRACTS_ROOT, 'openapi/api.openapi.json'), 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test edits of an arbitrary document
type Editable = any;
const copy = (): Editable => structuredClone(committed);

describe('breaking-change check against the api document', () => {
  it('passes the document against itself', () => {
    expect(breakingChanges(committed, committed)).toEqual([]);
    expect(breakingChangeVerdict(committed, committed).ok).toBe(true);
  });

  it('fails on a removed path, operation, response field, narrowed type and new required input', () => {
    const broken = copy();
    delete broken.paths['/api/products/{id}'];
    delete broken.components.schemas.OrderDto.properties.currency;
    broken.paths['/api/products'].get.parameters.find((p: { name: string }) => p.name === 'per_page').schema = { type: 'integer', maximum: 50 };
    broken.components.schemas.PlaceOrderLine.properties.note = { type: 'string' };
    broken.components.schemas.PlaceOrderLine.required.push('note');
    const problems = breakingChanges(committed, broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        'path removed: /api/products/{id}',
        'POST /api/orders response 201: field currency removed',
        'GET /api/orders/{id} response 200: field currency removed',
        'GET /api/products query parameter per_page: maximum lowered',
        'POST /api/orders body.items[]: new required field note',
      ]),
    );
    const verdict = breakingChangeVerdict(committed, broken);
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(/without a major version bump/);
  });

  it('fails on a narrowed enum and a removed operation', () => {
    const broken = copy();
    broken.paths['/api/products'].get.parameters.find((p: { name: string }) => p.name === 'sort').schema.enum = ['price'];
    delete broken.paths['/api/orders'].post;
    expect(breakingChanges(committed, broken)).toEqual(
      expect.arrayContaining(['GET /api/products query parameter sort: enum narrowed', 'operation removed: POST /api/orders']),
    );
  });

  it('accepts additions, and a breaking change together with a major version bump', () => {
    const added = copy();
    added.components.schemas.ProductDto.properties.rating = { type: 'number' };
    added.paths['/api/products'].get.parameters.push({ name: 'in_stock', in: 'query', required: false, schema: { type: 'boolean' } });
    expect(breakingChanges(committed, added)).toEqual([]);

    const bumped = copy();
    delete bumped.paths['/api/products/{id}'];
    bumped.info.version = '2.0.0';
    expect(breakingChangeVerdict(committed, bumped)).toMatchObject({ ok: true, problems: ['path removed: /api/products/{id}'] });
  });
});

describe('breaking-change check against the gateway admin API document', () => {
  const admin: OpenApiDocument = JSON.parse(readFileSync(join(CONTRACTS_ROOT, 'openapi/gateway.openapi.json'), 'utf8'));
  const adminCopy = (): Editable => structuredClone(admin);

  it('passes the document against itself', () => {
    expect(breakingChanges(admin, admin)).toEqual([]);
  });

  it('follows the allOf that wraps a described $ref: a removed nested field, a new state, a new required input, a removed path', () => {
    const broken = adminCopy();
    delete broken.components.schemas.ShadowVerdictDto.properties.missing;
    broken.components.schemas.RouteState.enum.push('paused');
    const promote = broken.paths['/_offramp/admin/routes/promote'].post.requestBody.content['application/json'].schema;
    promote.properties.ticket = { type: 'string' };
    promote.required.push('ticket');
    delete broken.paths['/_offramp/admin/routes/history'];
    expect(breakingChanges(admin, broken)).toEqual(
      expect.arrayContaining([
        'path removed: /_offramp/admin/routes/history',
        'POST /_offramp/admin/routes/promote body: new required field ticket',
        'GET /_offramp/admin/routes response 200.routes[].shadowGate: field missing removed',
        'GET /_offramp/admin/diffs response 200.shadowGate: field missing removed',
        'GET /_offramp/admin/routes response 200.routes[].state: enum gained values clients do not know',
      ]),
    );
  });
});
