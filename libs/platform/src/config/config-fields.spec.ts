import { booleanField, integerField, listField } from './config-fields.js';

describe('config fields', () => {
  it('reads true/1 and false/0 alike, and refuses anything else', () => {
    const field = booleanField(false);
    expect([field.parse('true'), field.parse('1'), field.parse('false'), field.parse('0'), field.parse(undefined)]).toEqual([true, true, false, false, false]);
    expect(booleanField(true).parse(undefined)).toBe(true);
    expect(field.safeParse('yes').success).toBe(false);
  });

  it('reads bounded integers', () => {
    expect(integerField(1, 10).parse('7')).toBe(7);
    expect(integerField(1, 10).safeParse('11').success).toBe(false);
    expect(integerField(1, 10).safeParse('2.5').success).toBe(false);
  });

  it('reads comma-separated lists', () => {
    expect(listField().parse(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(listField().parse(undefined)).toEqual([]);
  });
});
