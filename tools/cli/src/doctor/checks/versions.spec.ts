import { atLeast, minimumOf } from './versions.js';

describe('the version rules of the doctor', () => {
  it('reads the >= ranges package.json engines use', () => {
    expect(minimumOf('>=22.12.0')).toEqual([22, 12, 0]);
    expect(minimumOf('>= 22')).toEqual([22, 0, 0]);
    expect(minimumOf('^22.12.0')).toBeUndefined();
  });

  it('compares versions part by part, not as text', () => {
    expect(atLeast('24.21.0', [22, 12, 0])).toBe(true);
    expect(atLeast('22.12.0', [22, 12, 0])).toBe(true);
    expect(atLeast('22.9.0', [22, 12, 0])).toBe(false);
    expect(atLeast('v20.20.2', [22, 12, 0])).toBe(false);
  });
});
