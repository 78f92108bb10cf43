import { runPhp } from '../__fixtures__/php-cli.js';
import { laravelRequestInput } from './laravel-request-input.js';
import { PhpFloat, phpJsonDecode } from './php-json-decode.js';

/**
 * `$request->all()` of Laravel's own Request, after the monolith's TrimStrings and Laravel's
 * ConvertEmptyStringsToNull, for bodies a client may send: each value compared with its PHP type
 * (int, float as PHP prints it, string, bool, null, array with its keys in order).
 */
/** One row per value, depth first in key order: [path, PHP type, value] (an array's value: its size). */
type Described = Array<[path: string, type: 'i' | 'f' | 's' | 'b' | 'n' | 'a', value: string | boolean | number | null]>;

interface Case {
  name: string;
  method: string;
  contentType?: string;
  query?: string;
  body: Buffer | string;
}

const ORDER = '{"items":[{"product_id":1,"quantity":1}]}';
const nested = (depth: number) => `{"items":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
const json = (name: string, body: Buffer | string, query = ''): Case => ({ name, method: 'POST', contentType: 'application/json', query, body });

const CASES: Case[] = [
  json('an order', ORDER),
  json('an empty body', ''),
  json('invalid JSON', '{'),
  json('trailing garbage', `${ORDER}xx`),
  json('two documents', `${ORDER}${ORDER}`),
  json('surrounding JSON whitespace', ` \n${ORDER}\t\r`),
  json('a byte-order mark', `\ufeff${ORDER}`),
  json('a scalar', '5'),
  json('a string', '"abc"'),
  json('true', 'true'),
  json('false', 'false'),
  json('null', 'null'),
  json('a list', '[1,2,{"a":3}]'),
  json('__proto__ and constructor keys', '{"__proto__":{"x":1},"constructor":"c","items":[]}'),
  json('nesting 511 deep', nested(511)),
  json('nesting 512 deep', nested(512)),
  json('nesting 1,000 deep', nested(1000)),
  json('brackets inside strings', `{"a":"${'['.repeat(600)}","b":"\\"{"}`),
  json(
    'integers at and beyond 2^53 and PHP_INT_MAX',
    '[9007199254740991,9007199254740993,9223372036854775807,9223372036854775808,-9223372036854775808,-9223372036854775809]',
  ),
  json('floats', '[1.0,1e2,1E15,1.5,-0,-0.0,0.1e1,1E400,99999999999999.0,123456789012345678]'),
  json('strings trimmed and emptied', '{"a":"  x ","b":"","c":"   ","d":"\\u0000y\\u000b","e":["  ",{"f":" g "}]}'),
  json('password fields keep their spaces', '{"password":" x ","password_confirmation":" ","user":{"password":" y "}}'),
  json('a lone surrogate escape', '{"a":"\\ud800"}'),
  json('a surrogate pair', '{"a":"\\ud83d\\ude00"}'),
  json('malformed UTF-8', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])),
  json('duplicate keys', '{"a":1,"b":2,"a":3}'),
  json('body keys win over the query', '{"a":1}', 'a=2&b=%20three%20&c[]=x'),
  json('a keyed object of items', '{"items":{"x":{"product_id":1,"quantity":2}}}'),
  { name: 'a +json media type', method: 'POST', contentType: 'application/vnd.api+json', body: '{"a":" 1 "}' },
  { name: 'JSON with a charset', method: 'POST', contentType: 'application/json; charset=utf-8', body: '{"a":1}' },
  { name: 'JSON in capitals (not JSON to Laravel)', method: 'POST', contentType: 'Application/JSON', body: '{"a":1}', query: 'q=1' },
  { name: 'text/plain', method: 'POST', contentType: 'text/plain', body: ORDER, query: 'items=x' },
  { name: 'no Content-Type', method: 'POST', body: ORDER },
  { name: 'a form', method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'a=+1+&b[]=x&b[]=&c[k]=v', query: 'a=q&d=4' },
  { name: 'a GET query', method: 'GET', query: 'page=2&per_page=%20&tags[]=a', body: '' },
];

function describeOurs(value: unknown, path = '', rows: Described = []): Described {
  if (value === null || value === undefined) rows.push([path, 'n', null]);
  else if (typeof value === 'boolean') rows.push([path, 'b', value]);
  else if (typeof value === 'number' || typeof value === 'bigint') rows.push([path, 'i', String(value)]);
  else if (value instanceof PhpFloat) rows.push([path, 'f', String(value)]);
  else if (typeof value === 'string') rows.push([path, 's', value]);
  else {
    const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value as object);
    rows.push([path, 'a', entries.length]);
    for (const [key, item] of entries) describeOurs(item, `${path}/${key}`, rows);
  }
  return rows;
}

function phpAll(cases: Case[]): Described[] {
  return runPhp<Described[]>(
    `$describe = function ($value, string $path = '', array &$rows = []) use (&$describe) {
        if (is_int($value)) $rows[] = [$path, 'i', (string) $value];
        elseif (is_float($value)) $rows[] = [$path, 'f', (string) $value];
        elseif (is_string($value)) $rows[] = [$path, 's', $value];
        elseif (is_bool($value)) $rows[] = [$path, 'b', $value];
        elseif ($value === null) $rows[] = [$path, 'n', null];
        else {
            $rows[] = [$path, 'a', count($value)];
            foreach ($value as $key => $item) $describe($item, $path.'/'.$key, $rows);
        }
        return $rows;
    };
    return array_map(function (array $case) use ($describe) {
        $server = $case['contentType'] === null ? [] : ['CONTENT_TYPE' => $case['contentType']];
        $content = base64_decode($case['body']);
        // What PHP's SAPI parses into $_POST for a form POST (Request::create does not read the body).
        $parameters = [];
        if ($case['method'] === 'POST' && $case['contentType'] === 'application/x-www-form-urlencoded') parse_str($content, $parameters);
        $request = Illuminate\\Http\\Request::create('/api/orders?'.$case['query'], $case['method'], $parameters, [], [], $server, $content);
        $next = fn ($request) => $request;
        $request = (new App\\Http\\Middleware\\TrimStrings())->handle($request, $next);
        $request = (new Illuminate\\Foundation\\Http\\Middleware\\ConvertEmptyStringsToNull())->handle($request, $next);
        return $describe($request->all());
    }, $input);`,
    cases.map((c) => ({
      method: c.method,
      contentType: c.contentType ?? null,
      query: c.query ?? '',
      body: Buffer.from(c.body).toString('base64'),
    })),
    { laravel: true },
  );
}

describe("$request->all() as Laravel reads a request's body and query", () => {
  it('gives the values, PHP types and key order of the real Request after TrimStrings and ConvertEmptyStringsToNull', () => {
    const php = phpAll(CASES);
    CASES.forEach((c, index) => {
      const ours = laravelRequestInput({ method: c.method, contentType: c.contentType, query: c.query ?? '', body: Buffer.from(c.body) });
      expect({ case: c.name, all: describeOurs(ours) }).toEqual({ case: c.name, all: php[index] });
    });
  });

  it('decodes nesting far beyond PHP_JSON_DEPTH without a stack overflow (as no input)', () => {
    expect(phpJsonDecode(Buffer.from('['.repeat(200_000) + ']'.repeat(200_000)))).toBeUndefined();
    expect(phpJsonDecode(Buffer.from('{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000)))).toBeUndefined();
  });
});
