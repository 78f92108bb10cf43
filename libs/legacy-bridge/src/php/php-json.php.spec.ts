import { runPhp } from '../__fixtures__/php-cli.js';
import { phpJson, phpJsonUnescapedUnicode, phpPrettyJson } from './php-json.js';

// Values as they reach a Laravel response: strings of every kind PHP escapes differently from
// JSON.stringify, integers, lists, objects (non-empty: an empty PHP array is a list), null, booleans.
const VALUES: unknown[] = [
  'plain',
  'a/b/c',
  'https://shop.test/api/products?page=2',
  'café',
  '€ 12,50',
  '日本語',
  'emoji 😀 and 🇩🇪',
  '\u2028\u2029',
  '\u007f\u0080\u00ff\u0100\uffff',
  'quote " backslash \\ tab \t newline \n nul \u0000 bell \u0007',
  "<b>&amp;</b> 'single'",
  '',
  0,
  -42,
  9007199254740991,
  null,
  true,
  false,
  [],
  [1, 'two', null, [3]],
  { message: 'No query results for model [App\\Models\\Product] 42' },
  { nested: { list: [{ url: 'http://x/?a=1&b=2', label: '&laquo; Previous' }], empty: [] }, 'key/with/slash': 'é' },
];

describe("PHP's json_encode as Laravel's responses use it", () => {
  it("phpJson is byte for byte a JsonResponse's setData (response()->json)", () => {
    const php = runPhp<string[]>(`return array_map(fn ($value) => (new Illuminate\\Http\\JsonResponse())->setData($value)->getContent(), $input);`, VALUES, {
      laravel: true,
    });
    expect(VALUES.map(phpJson)).toEqual(php);
  });

  it("phpPrettyJson is byte for byte the exception handler's JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES", () => {
    const php = runPhp<string[]>(
      `return array_map(fn ($value) => (new Illuminate\\Http\\JsonResponse([], 200, [], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES))->setData($value)->getContent(), $input);`,
      VALUES,
      { laravel: true },
    );
    expect(VALUES.map(phpPrettyJson)).toEqual(php);
  });

  it('escapes what PHP escapes and nothing else', () => {
    expect(phpJson({ url: 'a/b', name: 'é😀' })).toBe('{"url":"a\\/b","name":"\\u00e9\\ud83d\\ude00"}');
    expect(phpPrettyJson({ url: 'a/b' })).toBe('{\n    "url": "a/b"\n}');
  });

  it("phpJsonUnescapedUnicode is byte for byte json_encode(..., JSON_UNESCAPED_UNICODE), as Laravel's queue writes payloads", () => {
    const php = runPhp<string[]>(`return array_map(fn ($value) => json_encode($value, JSON_UNESCAPED_UNICODE), $input);`, VALUES);
    expect(VALUES.map(phpJsonUnescapedUnicode)).toEqual(php);
  });
});
