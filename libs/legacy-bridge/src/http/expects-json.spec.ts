import { answersJson, compilePathPatterns, expectsJson } from './expects-json.js';

describe("Laravel's choice between the 419 page and its JSON", () => {
  it('follows Request::expectsJson', () => {
    expect(expectsJson({ accept: 'application/json' })).toBe(true);
    expect(expectsJson({ accept: 'text/html,application/json;q=0.9' })).toBe(false);
    expect(expectsJson({ accept: 'text/html;q=0.5, application/problem+json' })).toBe(true);
    expect(expectsJson({ 'x-requested-with': 'XMLHttpRequest' })).toBe(true); // ajax, any content type
    expect(expectsJson({ 'x-requested-with': 'XMLHttpRequest', accept: '*/*' })).toBe(true);
    expect(expectsJson({ 'x-requested-with': 'XMLHttpRequest', accept: 'text/html' })).toBe(false);
    expect(expectsJson({ 'x-requested-with': 'XMLHttpRequest', 'x-pjax': 'true' })).toBe(false);
    expect(expectsJson({ 'x-requested-with': 'xmlhttprequest' })).toBe(false);
    expect(expectsJson({})).toBe(false);
  });

  it('answers JSON on the paths the app’s Handler names, matched like Request::is', () => {
    const api = compilePathPatterns(['api/*']);
    expect(answersJson({ accept: 'text/html' }, '/api/orders?x=1', api)).toBe(true);
    expect(answersJson({ accept: 'text/html' }, '/api%2Forders', api)).toBe(true); // rawurldecoded
    expect(answersJson({ accept: 'text/html' }, '/logout', api)).toBe(false);
    expect(answersJson({ accept: 'text/html' }, '/apiary/x', api)).toBe(false);
    expect(answersJson({ accept: 'text/html' }, '/', compilePathPatterns(['/']))).toBe(true);
  });
});
