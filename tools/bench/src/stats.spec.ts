import { median, percentile, perSecond, table } from './stats.js';

describe('benchmark statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('takes medians of odd and even counts, ignoring NaN', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.NaN])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('turns counts into rates and aligns a table of any width', () => {
    expect(perSecond(5_000, 2_000)).toBe(2_500);
    expect(perSecond(1, 0)).toBe(0);
    expect(
      table([
        ['a', '1', 'x'],
        ['long', '100', 'yy'],
      ]),
    ).toBe('a       1   x\nlong  100  yy');
    expect(
      table([
        ['name', 'req/s', 'p50', 'p99'],
        ['api', '9000', '6', '12'],
      ]),
    ).toBe('name  req/s  p50  p99\napi    9000    6   12');
  });
});
