import { Cleanups } from './bench-run.js';

describe('a bench clean-up', () => {
  it('stops in reverse order, once, and goes on past a step that fails', async () => {
    const done: string[] = [];
    const logged: string[] = [];
    const cleanups = new Cleanups((line) => logged.push(line));
    cleanups.push(() => done.push('server'));
    cleanups.push(() => {
      throw new Error('already gone');
    });
    cleanups.push(async () => done.push('client'));
    await Promise.all([cleanups.run(), cleanups.run()]);
    await cleanups.run();
    expect(done).toEqual(['client', 'server']);
    expect(logged).toEqual(['clean-up: already gone']);
  });
});
