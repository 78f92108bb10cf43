import { jest } from '@jest/globals';
import { ensureDebianPackages } from './debian-packages.js';

describe('ensureDebianPackages', () => {
  const ci = process.env['CI'];
  afterEach(() => {
    jest.restoreAllMocks();
    if (ci === undefined) delete process.env['CI'];
    else process.env['CI'] = ci;
  });

  it('does nothing when every package is there', () => {
    const log = jest.fn();
    ensureDebianPackages([{ name: 'present-one', present: () => true }], log);
    expect(log).not.toHaveBeenCalled();
  });

  it('stops with the exact command when it may not install (not root, not CI)', () => {
    jest.spyOn(process, 'getuid').mockReturnValue(1000);
    delete process.env['CI'];
    const run = () =>
      ensureDebianPackages(
        [
          { name: 'php8.2-fpm', present: () => false },
          { name: 'nginx-light', present: () => true },
          { name: 'php8.2-opcache', present: () => false },
        ],
        () => undefined,
      );
    expect(run).toThrow(
      "missing Debian packages: php8.2-fpm, php8.2-opcache. Install them as root, then run the benchmark again:\n  sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends php8.2-fpm php8.2-opcache'",
    );
  });
});
