import { runPhp } from '../__fixtures__/php-cli.js';
import { type PhpArray, type PhpValue, parsePhpQuery, phpBuildQuery } from './php-query.js';

/** A PHP array as ordered [key, value] pairs, so both sides compare keys, order and nesting. */
type Pairs = Array<[string, string | null | Pairs]>;

const pairs = (array: PhpArray): Pairs => [...array].map(([key, value]) => [key, value instanceof Map ? pairs(value) : value]);

const fromPairs = (list: Pairs): PhpArray => new Map(list.map(([key, value]): [string, PhpValue] => [key, Array.isArray(value) ? fromPairs(value) : value]));

const PHP_PAIRS = `$pairs = function (array $array) use (&$pairs): array {
      $out = [];
      foreach ($array as $key => $value) $out[] = [(string) $key, is_array($value) ? $pairs($value) : $value];
      return $out;
    };`;

const QUERIES = [
  '',
  'a=1&b=2',
  'a=1&a=2',
  'q=phone&category=audio&sort=-price&page=2&per_page=30',
  'a[]=1&a[]=2',
  'a[x]=1&a[y][]=2&a[y][]=3',
  'a[]=1&a[5]=2&a[]=3',
  'a[-3]=x&a[4]=y&a[]=z',
  'a[01]=x&a[]=y',
  'a[b]=1&a=2',
  'a=2&a[b]=1',
  'a[][b]=1&a[][b]=2',
  'a%5Bb%5D=1',
  'a.b=1&c d=2&e.f[g.h]=3',
  '%20a=1&++b=2',
  'a[ b]=1&a[.c]=2',
  'a[=1',
  'a[b=1',
  'a]=1',
  'a[b]c=1',
  'a[b][c=1',
  '[a]=1&=2&&&',
  'a',
  'a=&b',
  'a=%20&b=+x+&c=%09y%0A&d=%0B%00z%00',
  'a=%zz&b=100%&c=%E2%82%AC&d=%C3%A9%',
  '%61=1',
  'a=1;b=2',
  'a=x=y',
  'q=%27%22%3C%3E%26&r=caf%C3%A9',
  'per_page=abc&page=-1&sort[]=price',
];

describe("PHP's parse_str, then TrimStrings and ConvertEmptyStringsToNull", () => {
  it('parses every query string as the monolith sees $request->query->all()', () => {
    const php = runPhp<Pairs[]>(
      `${PHP_PAIRS}
      return array_map(function (string $query) use ($pairs) {
          parse_str($query, $get);
          $request = new Illuminate\\Http\\Request($get);
          (new App\\Http\\Middleware\\TrimStrings())->handle($request, fn ($r) => $r);
          (new Illuminate\\Foundation\\Http\\Middleware\\ConvertEmptyStringsToNull())->handle($request, fn ($r) => $r);
          return $pairs($request->query->all());
      }, $input);`,
      QUERIES,
      { laravel: true },
    );
    expect(QUERIES.map((query) => pairs(parsePhpQuery(query)))).toEqual(php);
  });

  it('keeps PHP array order and overwrites in place', () => {
    const parsed = parsePhpQuery('b=1&a[x]=2&b=3&a[y]=4');
    expect([...parsed.keys()]).toEqual(['b', 'a']);
    expect(parsed.get('b')).toBe('3');
    expect(pairs(parsed)).toEqual([
      ['b', '3'],
      [
        'a',
        [
          ['x', '2'],
          ['y', '4'],
        ],
      ],
    ]);
  });
});

describe("PHP's http_build_query($params, '', '&', PHP_QUERY_RFC3986)", () => {
  const PARAMS: Pairs[] = [
    [],
    [
      ['q', 'phone'],
      ['page', '2'],
    ],
    [
      ['q', 'a b+c&d=e/f?g#h'],
      ['x~y', "-_.~!*'()"],
    ],
    [
      ['q', 'café 日本 😀'],
      ['é', '1'],
    ],
    [
      ['skip', null],
      ['keep', ''],
    ],
    [
      [
        'a',
        [
          ['0', '1'],
          ['1', '2'],
          ['k', [['deep', 'v']]],
        ],
      ],
      ['b', []],
      ['c', [['n', null]]],
      ['page', '3'],
    ],
    [['a[b]', 'c']],
  ];

  it('builds every parameter list as PHP does', () => {
    const php = runPhp<string[]>(
      `$array = function (array $pairs) use (&$array): array {
          $out = [];
          foreach ($pairs as [$key, $value]) $out[$key] = is_array($value) ? $array($value) : $value;
          return $out;
      };
      return array_map(fn (array $pairs) => http_build_query($array($pairs), '', '&', PHP_QUERY_RFC3986), $input);`,
      PARAMS,
    );
    expect(PARAMS.map((list) => phpBuildQuery(fromPairs(list)))).toEqual(php);
  });
});
