import { bodyPaths, jsonLines } from './json-lines';

describe('the side-by-side JSON of a mismatch', () => {
  it('prints a value as lines with their paths and marks the differing ones and their parents', () => {
    const differing = bodyPaths([{ key: 'status' }, { key: 'body:$.items[1].price' }, { key: 'header:content-type' }]);
    expect([...differing]).toEqual(['$.items[1].price']);
    const lines = jsonLines({ items: [{ price: 1 }, { price: 2, 'odd key': true }], total: 3 }, differing);
    expect(lines.map((line) => [line.depth, line.text, line.path, line.differs])).toEqual([
      [0, '{', '$', false],
      [1, '"items": [', '$.items', false],
      [2, '{', '$.items[0]', false],
      [3, '"price": 1', '$.items[0].price', false],
      [2, '},', '$.items[0]', false],
      [2, '{', '$.items[1]', false],
      [3, '"price": 2,', '$.items[1].price', true],
      [3, '"odd key": true', '$.items[1]["odd key"]', false],
      [2, '}', '$.items[1]', false],
      [1, '],', '$.items', false],
      [1, '"total": 3', '$.total', false],
      [0, '}', '$', false],
    ]);
  });

  it('prints scalars, empty containers and a body that is not JSON', () => {
    expect(jsonLines('<html>', bodyPaths([{ key: 'body:*' }])).map((line) => [line.text, line.differs])).toEqual([['"<html>"', true]]);
    expect(jsonLines({ a: [], b: {} }, new Set()).map((line) => line.text)).toEqual(['{', '"a": [],', '"b": {}', '}']);
  });
});
