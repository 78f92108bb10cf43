import { LEGACY_LANG, runPhp } from '../__fixtures__/php-cli.js';
import { parsePhpQuery } from '../php/php-query.js';
import { PhpFloat } from '../http/php-json-decode.js';
import { phpIsInt } from './laravel-rules.js';
import { errorsJson, existsChecks, inRuleOrder, type LaravelRuleSet, validateLaravel } from './laravel-validator.js';

// The monolith's own rule sets (ProductSearch::fromRequest, OrderController::store) and one that
// reaches the size rules' string and array forms.
const RULE_SETS: Record<string, LaravelRuleSet> = {
  catalog: [
    ['q', ['nullable', 'string', 'max:100']],
    ['category', ['nullable', 'string', 'max:100']],
    ['sort', ['nullable', 'in:price,-price,name,-name,popularity']],
    ['page', ['nullable', 'integer', 'min:1']],
    ['per_page', ['nullable', 'integer', 'min:1']],
  ],
  order: [
    ['items', ['required', 'array', 'min:1', 'max:3']],
    ['items.*', ['required', 'array']],
    ['items.*.product_id', ['required', 'integer', 'exists:products,id']],
    ['items.*.quantity', ['required', 'integer', 'min:1', 'max:1000']],
  ],
  // ReportController::salesCsv
  report: [
    ['from', ['nullable', 'date_format:Y-m-d']],
    ['to', ['nullable', 'date_format:Y-m-d']],
  ],
  // Plain attributes before wildcard ones, as in the monolith (see validateLaravel on the order).
  sizes: [
    ['name', ['required', 'string', 'min:3', 'max:5']],
    ['tags', ['nullable', 'array', 'min:1', 'max:2']],
    ['count', ['integer', 'max:10']],
    ['nick_name', ['nullable', 'string', 'min:2']],
    ['tags.*', ['string', 'max:3']],
  ],
};

const CASES: Array<[ruleSet: string, data: unknown]> = [
  ['catalog', {}],
  ['report', {}],
  ['report', { from: '2025-01-31', to: '2024-02-29' }],
  ['report', { from: '2025-02-29', to: '2025-04-31' }],
  ['report', { from: '2025-1-05', to: '25-01-05' }],
  ['report', { from: '2025-13-01', to: '2025-00-10' }],
  ['report', { from: '0000-01-01', to: '9999-12-31' }],
  ['report', { from: '2025-01-01T00:00:00', to: '2025-01-01 ' }],
  ['report', { from: ['2025-01-01'], to: { a: '2025-01-01' } }],
  ['report', { from: null, to: '' }],
  ['report', { from: 20250101, to: 'yesterday' }],
  ['catalog', { q: 'phone', category: 'audio', sort: 'price', page: '2', per_page: '30' }],
  ['catalog', { q: null, category: null, sort: null, page: null, per_page: null }],
  ['catalog', { q: 'x'.repeat(101), category: 'é'.repeat(100), sort: 'cheapest', page: '0', per_page: '-1' }],
  ['catalog', { q: ['a'], category: { a: 'b' }, sort: ['price'], page: ['1'], per_page: { x: '1' } }],
  ['catalog', { page: '1.5', per_page: 'abc' }],
  ['catalog', { page: ' 3 ', per_page: '+4' }],
  ['catalog', { page: '9223372036854775807', per_page: '9223372036854775808' }],
  ['catalog', { page: '0x1A', per_page: '1e3' }],
  ['catalog', { page: '-0', per_page: '007' }],
  ['catalog', { page: 2, per_page: 0 }],
  ['catalog', { q: 5, sort: 'name' }],
  ['order', {}],
  ['order', { items: null }],
  ['order', { items: [] }],
  ['order', { items: 'many' }],
  ['order', { items: [{ product_id: 1, quantity: 2 }] }],
  [
    'order',
    {
      items: [
        { product_id: 1, quantity: 2 },
        { product_id: 2, quantity: 1 },
        { product_id: 3, quantity: 1 },
        { product_id: 4, quantity: 1 },
      ],
    },
  ],
  ['order', { items: [5, 'x', null, []] }],
  ['order', { items: [{}, { product_id: null, quantity: null }, { product_id: '', quantity: '' }] }],
  [
    'order',
    {
      items: [
        { product_id: 'a', quantity: 0 },
        { product_id: 1.5, quantity: 1001 },
        { product_id: true, quantity: '12' },
      ],
    },
  ],
  ['order', { items: { first: { product_id: 1, quantity: 1 }, second: { quantity: -1 } } }],
  ['order', { items: [{ product_id: 1, quantity: 1, extra: 'ignored' }] }],
  ['sizes', {}],
  ['sizes', { name: 'ab', tags: [], count: 11, nick_name: 'a' }],
  ['sizes', { name: 'abcdef', tags: ['a', 'b', 'c'], count: '11', nick_name: null }],
  ['sizes', { name: 'ééé', tags: ['abcd', 5, null], count: null }],
  ['sizes', { name: '   ', tags: 'x', count: 'ten' }],
  ['sizes', { name: ['abc'], tags: { a: 'x' }, count: true }],
  ['sizes', { name: 12345, count: false }],
  ['sizes', { name: '日本語です', count: -5 }],
];

describe("Laravel's validator (the subset the monolith's routes use)", () => {
  it('gives the messages, attributes and order of the real Validator with the monolith translations', () => {
    const php = runPhp<Array<Record<string, string[]>>>(
      `$translator = new Illuminate\\Translation\\Translator(new Illuminate\\Translation\\FileLoader(new Illuminate\\Filesystem\\Filesystem(), ${JSON.stringify(LEGACY_LANG)}), 'en');
      $factory = new Illuminate\\Validation\\Factory($translator);
      // exists: needs the database; the TypeScript side leaves it to existsChecks too.
      $rules = array_map(fn ($set) => array_map(fn ($rules) => array_values(array_filter($rules, fn ($rule) => !str_starts_with($rule, 'exists:'))), $set), $input['rules']);
      return array_map(function (array $case) use ($factory, $rules) {
          [$set, $data] = $case;
          return (object) $factory->make($data ?? [], $rules[$set])->errors()->toArray();
      }, $input['cases']);`,
      { rules: Object.fromEntries(Object.entries(RULE_SETS).map(([name, set]) => [name, Object.fromEntries(set)])), cases: CASES },
      { laravel: true },
    );
    const ours = CASES.map(([set, data]) => errorsJson(validateLaravel(data, RULE_SETS[set])));
    for (let index = 0; index < CASES.length; index++) {
      // Same attributes in the same order, each with the same messages.
      expect({ case: CASES[index], errors: Object.entries(ours[index]) }).toEqual({ case: CASES[index], errors: Object.entries(php[index]) });
    }
  });

  it('validates a parsed query string (Maps) as it validates JSON objects', () => {
    const query = parsePhpQuery('q=&sort=cheap&page=0&per_page[]=1');
    expect(errorsJson(validateLaravel(query, RULE_SETS.catalog))).toEqual({
      sort: ['The selected sort is invalid.'],
      page: ['The page must be at least 1.'],
      per_page: ['The per page must be an integer.'],
    });
  });

  // Laravel skips a presence rule for an attribute that failed a rule before it (checked against
  // the real monolith in apps/api's bad-input e2e test: "abc" is only "must be an integer").
  it('leaves exists: to existsChecks, skipping absent, null and already-failed attributes', () => {
    const data = { items: [{ product_id: 7, quantity: 1 }, { quantity: 1 }, { product_id: null, quantity: 1 }, { product_id: 'x', quantity: 1 }] };
    const errors = validateLaravel(data, RULE_SETS.order);
    const checks = existsChecks(data, RULE_SETS.order, errors);
    expect(checks.map(({ path, value, table, column, message }) => ({ path, value, table, column, message }))).toEqual([
      { path: 'items.0.product_id', value: 7, table: 'products', column: 'id', message: 'The selected items.0.product_id is invalid.' },
    ]);
  });

  it('puts late errors back in the order of the rules', () => {
    const data = {
      items: [
        { product_id: 1, quantity: 0 },
        { product_id: 2, quantity: 1 },
      ],
    };
    const errors = validateLaravel(data, RULE_SETS.order);
    errors.set('items.1.product_id', ['The selected items.1.product_id is invalid.']);
    errors.set('items.0.product_id', ['The selected items.0.product_id is invalid.']);
    errors.set('coupon', ['The coupon field is prohibited.']);
    expect([...inRuleOrder(data, RULE_SETS.order, errors).keys()]).toEqual(['items.0.product_id', 'items.1.product_id', 'items.0.quantity', 'coupon']);
  });

  it('knows the integers filter_var(FILTER_VALIDATE_INT) accepts', () => {
    const values: unknown[] = [
      '0',
      '-0',
      '+7',
      ' 7\n',
      '07',
      '1.0',
      '1e3',
      '',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      12,
      1.5,
      true,
      false,
      null,
      [1],
    ];
    const php = runPhp<boolean[]>(`return array_map(fn ($value) => filter_var($value, FILTER_VALIDATE_INT) !== false, $input);`, values);
    expect(values.map(phpIsInt)).toEqual(php);
  });

  it('judges PHP floats and integers beyond 2^53 as filter_var does (by their PHP form)', () => {
    const floats = ['1', '1e2', '1e15', '99999999999999', '1.00000000000001', '-0', '1.5', '1e400', '-1e20'];
    const php = runPhp<boolean[]>(`return array_map(fn ($value) => filter_var((float) $value, FILTER_VALIDATE_INT) !== false, $input);`, floats);
    expect(floats.map((value) => phpIsInt(new PhpFloat(Number(value))))).toEqual(php);
    expect(php).toContain(true);
    expect(php).toContain(false);
    const integers = ['9007199254740993', '9223372036854775807', '-9223372036854775808'];
    const phpIntegers = runPhp<boolean[]>(`return array_map(fn ($value) => filter_var((int) $value, FILTER_VALIDATE_INT) !== false, $input);`, integers);
    expect(integers.map((value) => phpIsInt(BigInt(value)))).toEqual(phpIntegers);
  });
});
