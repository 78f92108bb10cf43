import { compareResponses, learnNoise, type ComparableResponse } from './compare-responses.js';
import { compileIgnoreRules } from './json-diff.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ComparableResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(JSON.stringify(body)),
});
const rules = (ignore: string[] = [], noise: string[] = []) => ({ headers: ['content-type'], ignore, noise: new Set(noise) });

describe('shadow comparison', () => {
  it('matches equal JSON regardless of key order and formatting', () => {
    const legacy = { ...json(200, {}), body: Buffer.from('{"a":1,"b":[1,2]}') };
    const service = { ...json(200, {}), body: Buffer.from('{ "b": [1, 2], "a": 1 }') };
    expect(compareResponses(legacy, service, rules())).toEqual([]);
  });

  it('reports status, chosen headers and body paths', () => {
    const differences = compareResponses(
      json(200, { a: 1, items: [{ p: 1 }] }),
      json(201, { a: 2, items: [{ p: 1 }, { p: 2 }] }, { 'content-type': 'application/problem+json' }),
      rules(),
    );
    expect(differences.map((difference) => difference.key)).toEqual(['status', 'header:content-type', 'body:$.a', 'body:$.items[1]']);
    expect(differences[2]).toMatchObject({ legacy: 1, service: 2 });
  });

  it('applies ignore rules: exact, [*] and recursive ..key', () => {
    const legacy = json(200, { meta: { at: 1, n: 1 }, items: [{ id: 1, at: 'x' }], deep: { deeper: { updated_at: 1 } } });
    const service = json(200, { meta: { at: 2, n: 1 }, items: [{ id: 9, at: 'y' }], deep: { deeper: { updated_at: 2 } } });
    expect(compareResponses(legacy, service, rules(['$.meta.at', '$.items[*].id', '$..at', '$..updated_at']))).toEqual([]);
    expect(compareResponses(legacy, service, rules(['$.meta'])).map((d) => d.key)).toEqual([
      'body:$.items[0].id',
      'body:$.items[0].at',
      'body:$.deep.deeper.updated_at',
    ]);
    const ignored = compileIgnoreRules(['$..id']);
    expect(ignored('$.a.b[3].id')).toBe(true);
    expect(ignored('$.a.idx')).toBe(false);
  });

  it('learns noise from two answers of the monolith and ignores it afterwards', () => {
    const first = json(200, {
      generated_at: '10:00:01',
      request_id: 'a1',
      items: [
        { id: 1, token: 'x' },
        { id: 2, token: 'y' },
      ],
      total: 2,
    });
    const second = json(200, {
      generated_at: '10:00:02',
      request_id: 'b2',
      items: [
        { id: 1, token: 'z' },
        { id: 2, token: 'w' },
      ],
      total: 2,
    });
    const noise = learnNoise(first, second, ['content-type']);
    expect(noise.sort()).toEqual(['body:$.generated_at', 'body:$.items[*].token', 'body:$.request_id']);
    const slice = json(200, {
      generated_at: '11:00',
      request_id: 'c3',
      items: [
        { id: 1, token: 'q' },
        { id: 2, token: 'r' },
      ],
      total: 3,
    });
    expect(compareResponses(first, slice, rules([], noise)).map((d) => d.key)).toEqual(['body:$.total']);
  });

  it('compares other bodies byte for byte, and only status and headers for truncated ones', () => {
    const html = (text: string): ComparableResponse => ({ status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from(text) });
    expect(compareResponses(html('<p>a</p>'), html('<p>a</p>'), { headers: [], ignore: [], noise: new Set() })).toEqual([]);
    expect(compareResponses(html('<p>a</p>'), html('<p>b</p>'), { headers: [], ignore: [], noise: new Set() })[0]?.key).toBe('body:*');
    expect(compareResponses({ ...html('a'), truncated: true }, html('b'), { headers: [], ignore: [], noise: new Set() })).toEqual([]);
  });
});
