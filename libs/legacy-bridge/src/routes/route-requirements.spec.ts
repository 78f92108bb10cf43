import { compileRequirement, requirementToJs, spansSegments, UnsupportedRequirementError } from './route-requirements.js';

describe('route requirements (PCRE as the frameworks write them)', () => {
  it('reads possessive quantifiers, atomic and named groups, \\A \\z as JavaScript, without capturing groups', () => {
    expect(requirementToJs('[^/]++')).toBe('[^/]+');
    expect(requirementToJs('\\d*+x?+')).toBe('\\d*x?');
    expect(requirementToJs('a{2}+')).toBe('a{2}');
    expect(requirementToJs('\\++')).toBe('\\++');
    expect(requirementToJs('(en|fr)')).toBe('(?:en|fr)');
    expect(requirementToJs('(?P<y>\\d{4})-(?<m>\\d\\d)')).toBe('(?:\\d{4})-(?:\\d\\d)');
    expect(requirementToJs('(?>ab|a)c')).toBe('(?:ab|a)c');
    expect(requirementToJs('(?=a)[()]')).toBe('(?=a)[\\(\\)]');
    expect(requirementToJs('\\Aabc\\z')).toBe('^abc$');
    expect(compileRequirement('en|fr').test('en')).toBe(true);
    expect(compileRequirement('en|fr').test('english')).toBe(false);
  });

  it('refuses what JavaScript has no equivalent for, by type', () => {
    for (const requirement of ['(a)\\1', '(?i)abc', '(?R)', '\\G', '[a-', 'a\\']) {
      expect(() => requirementToJs(requirement)).toThrow(UnsupportedRequirementError);
    }
  });

  it('tells a requirement that may take a slash', () => {
    for (const requirement of ['.+', '.*', '[\\w/]+', '\\S+', '[^a]+', '[!-z]+', 'a/b', '\\D+'])
      expect([requirement, spansSegments(requirement)]).toEqual([requirement, true]);
    for (const requirement of ['\\d+', '[^/]++', '[a-z0-9-]+', 'en|fr', '[A-Z0-9]+(?:-[A-Z0-9]+)*', '\\.json', '[0-9.]+']) {
      expect([requirement, spansSegments(requirement)]).toEqual([requirement, false]);
    }
  });
});
