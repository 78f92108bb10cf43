import { outboxTimestamp, parseOutboxTimestamp } from './outbox-timestamp.js';

describe('outbox timestamps (UTC Y-m-d H:i:s.u, as App\\Offramp\\Outbox::now() writes them)', () => {
  it('writes a given time with its milliseconds and three zeros', () => {
    expect(outboxTimestamp(new Date('2026-01-31T12:00:07.123Z'))).toBe('2026-01-31 12:00:07.123000');
    expect(outboxTimestamp(new Date('1999-12-31T23:59:59.000Z'))).toBe('1999-12-31 23:59:59.000000');
  });

  it('writes now with six digits of microseconds, read back to the millisecond', () => {
    const now = outboxTimestamp();
    expect(now).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    const [, micros] = now.split('.');
    expect(parseOutboxTimestamp(now) % 1_000).toBe(Number(micros.slice(0, 3)));
  });

  it.each([
    ['2026-01-31 12:00:07.123456', Date.UTC(2026, 0, 31, 12, 0, 7, 123)],
    ['2026-01-31 12:00:07', Date.UTC(2026, 0, 31, 12, 0, 7)],
    ['2026-01-31 12:00:07.5', Date.UTC(2026, 0, 31, 12, 0, 7, 500)],
    ['2026-01-31T12:00:07.123456Z', Date.UTC(2026, 0, 31, 12, 0, 7, 123)],
    ['2026-01-31 12:00:07.123+00:00', Date.UTC(2026, 0, 31, 12, 0, 7, 123)],
    [' 2026-01-31 12:00:07.123 ', Date.UTC(2026, 0, 31, 12, 0, 7, 123)],
  ])('reads %p as UTC', (value, expected) => {
    expect(parseOutboxTimestamp(value)).toBe(expected);
  });

  it('round-trips a written time', () => {
    const at = new Date('2026-06-01T00:00:00.999Z');
    expect(parseOutboxTimestamp(outboxTimestamp(at))).toBe(at.getTime());
  });
});
