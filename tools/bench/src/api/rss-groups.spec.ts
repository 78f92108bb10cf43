import { rssMb } from '../rss.js';
import { RssGroupPeaks } from './rss-groups.js';

describe('bench:api memory of a service made of several process trees', () => {
  it('sums the trees of a service and keeps the highest sample', () => {
    const own = rssMb(process.pid);
    const peaks = new RssGroupPeaks({ one: [process.pid], twice: [process.pid, process.pid], none: [undefined] }).start(10);
    const now = peaks.now();
    expect(now['one']).toBeGreaterThan(0);
    // Two reads of the same process a moment apart: twice the figure, give or take what Jest allocates meanwhile.
    expect(Math.abs(now['twice'] - 2 * own)).toBeLessThan(own * 0.5);
    expect(now['none']).toBe(0);
    const peak = peaks.stop();
    expect(peak['twice']).toBeGreaterThanOrEqual(now['twice'] * 0.5);
    expect(Object.keys(peak).sort()).toEqual(['none', 'one', 'twice']);
  });
});
