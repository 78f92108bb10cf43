/**
 * How the project's tests and benchmarks start Debian's chromium with playwright-core (never a
 * browser download): headless, and without the background networking that this machine's closed
 * network refuses many times over at every start.
 */
export const CHROMIUM_LAUNCH_OPTIONS: { executablePath: string; headless: boolean; args: string[] } = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
