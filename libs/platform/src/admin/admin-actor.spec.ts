import { InvalidInputException } from '../errors/validation.js';
import { parseAdminActor } from './admin-actor.js';

describe('parseAdminActor', () => {
  it('takes by and reason, by defaulting as route changes do', () => {
    expect(parseAdminActor({ by: ' jane@ops ', reason: ' retried after the SMTP fix ' })).toEqual({ by: 'jane@ops', reason: 'retried after the SMTP fix' });
    expect(parseAdminActor({ reason: 'x' })).toEqual({ by: 'admin-api', reason: 'x' });
  });

  it.each([undefined, null, {}, { reason: '' }, { reason: '   ' }, { reason: 3 }, []])('refuses %p naming reason', (body) => {
    try {
      parseAdminActor(body);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputException);
      expect((error as InvalidInputException).invalidParams).toEqual([{ name: 'reason', reason: 'say why: the reason goes into the audit log' }]);
    }
  });

  it('refuses a by that is no string, and an overlong reason', () => {
    expect(() => parseAdminActor({ by: 7, reason: 'x' })).toThrow(InvalidInputException);
    expect(() => parseAdminActor({ reason: 'x'.repeat(1_001) })).toThrow(InvalidInputException);
  });
});
