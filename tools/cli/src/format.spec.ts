import { formatDiffs, formatRoutes } from './format.js';

const cell = (matches: number, mismatches = 0) => ({ matches, mismatches });
const empty = { authenticated: cell(0), anonymous: cell(0) };
const evidence = {
  rate: 1,
  samples: 16,
  byStatus: {
    '1xx': empty,
    '2xx': { authenticated: cell(3), anonymous: cell(5, 1) },
    '3xx': empty,
    '4xx': { authenticated: cell(0), anonymous: cell(7) },
    '5xx': empty,
  },
};

describe('CLI output of the shadow evidence', () => {
  it('routes list: counts per status class with logged-in 2xx, and what promotion still needs', () => {
    const text = formatRoutes([
      {
        id: 'GET|HEAD /api/orders/:id',
        state: 'shadow',
        service: 'api',
        shadowMatch: evidence,
        shadowGate: { promotable: false, missing: ['3 of 10 matching 2xx answers to logged-in callers (the route needs a login)'] },
      },
      { id: 'GET|HEAD /api/products', state: 'legacy', service: 'api' },
    ]);
    const [header, orders, products] = text.trimEnd().split('\n');
    expect(header).toMatch(/^ROUTE\s+STATE\s+SERVICE\s+CANARY\/MATCH\s+EVIDENCE \(matching\/compared\)\s+PROMOTION\s+LAST CHANGE$/);
    expect(orders).toContain('2xx 8/9 (3 logged-in), 4xx 7/7');
    expect(orders).toContain('needs 3 of 10 matching 2xx answers to logged-in callers (the route needs a login)');
    expect(products).toMatch(/^GET\|HEAD \/api\/products\s+legacy\s+api$/);
  });

  it('routes diffs: the same evidence and verdict above the mismatches', () => {
    const text = formatDiffs({ matchRate: evidence, shadowGate: { promotable: true, missing: [] }, mismatches: [] });
    expect(text.split('\n')).toEqual([
      'match rate: 100.00% of 16',
      "evidence (matching/compared, by the monolith's status): 2xx 8/9 (3 logged-in), 4xx 7/7",
      'promotion: ready',
      'no mismatches recorded',
      '',
    ]);
  });
});
