import type { IncomingMessage } from 'node:http';
import { canaryBucket, chooseCanaryBackend, stickyKey } from './canary-choice.js';

const request = (headers: Record<string, string> = {}, address = '10.0.0.1') => ({ headers, socket: { remoteAddress: address } }) as unknown as IncomingMessage;
const user = (userId: string, email?: string) => ({ identity: { userId, email, roles: [], source: 'laravel-session' as const } });

describe('canary choice', () => {
  it('is sticky per user, then session, then client address', () => {
    expect(stickyKey(request(), { ...user('7'), sessionId: 's' })).toBe('user:7');
    expect(stickyKey(request(), { sessionId: 's' })).toBe('session:s');
    expect(stickyKey(request({}, '10.1.1.1'), {})).toBe('ip:10.1.1.1');
  });

  it('sends about the given share of callers, each always to the same side', () => {
    let service = 0;
    for (let index = 0; index < 10_000; index++) {
      const caller = user(String(index));
      const choice = chooseCanaryBackend(request(), { canaryPercent: 20 }, 'r', caller, new Set());
      expect(chooseCanaryBackend(request(), { canaryPercent: 20 }, 'r', caller, new Set())).toBe(choice);
      if (choice === 'service') service += 1;
    }
    expect(service).toBeGreaterThan(1_800);
    expect(service).toBeLessThan(2_200);
    expect(canaryBucket('user:1')).toBe(canaryBucket('user:1'));
  });

  it('raising the share only adds callers', () => {
    for (let index = 0; index < 1_000; index++) {
      const caller = user(String(index));
      if (chooseCanaryBackend(request(), { canaryPercent: 10 }, 'r', caller, new Set()) === 'service') {
        expect(chooseCanaryBackend(request(), { canaryPercent: 30 }, 'r', caller, new Set())).toBe('service');
      }
    }
  });

  it('honours the force header and cookie for named testers only', () => {
    const testers = new Set(['qa@example.test']);
    expect(chooseCanaryBackend(request({ 'x-offramp-force': 'service' }), { canaryPercent: 0 }, 'r', user('5', 'qa@example.test'), testers)).toBe('service');
    expect(chooseCanaryBackend(request({ cookie: 'a=1; offramp_force=service' }), { canaryPercent: 0 }, 'r', user('5', 'qa@example.test'), testers)).toBe(
      'service',
    );
    expect(chooseCanaryBackend(request({ 'x-offramp-force': 'legacy' }), { canaryPercent: 100 }, 'r', user('5', 'qa@example.test'), testers)).toBe('legacy');
    expect(chooseCanaryBackend(request({ 'x-offramp-force': 'service' }), { canaryPercent: 0 }, 'r', user('6', 'other@example.test'), testers)).toBe('legacy');
    expect(chooseCanaryBackend(request({ 'x-offramp-force': 'service' }), { canaryPercent: 0 }, 'r', {}, testers)).toBe('legacy');
  });
});
