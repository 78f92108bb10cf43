import { ConflictException, NotFoundException } from '@nestjs/common';
import { RouteListFormatError } from '@offramp/legacy-bridge';
import { InvalidInputException } from '@offramp/platform';
import { InvalidRoute, PromotionRefused, RevisionConflict, RouteNotFound } from '../routes/route-errors.js';
import { httpExceptionFor } from './route-error.filter.js';

// The admin API's one mapping of refused route changes to HTTP (then problem+json by the platform's filter).
describe('route errors as HTTP answers', () => {
  it('an unknown route is 404 with its message as the detail', () => {
    const answer = httpExceptionFor(new RouteNotFound('GET /nope'));
    expect(answer).toBeInstanceOf(NotFoundException);
    expect(answer.getResponse()).toMatchObject({ message: 'no route "GET /nope"; see "offramp routes list"' });
  });

  it('a refused promotion and a revision conflict are 409', () => {
    const refused = httpExceptionFor(new PromotionRefused('GET /a', 'shadow-evidence', 'promotion of "GET /a" out of shadow refused: …'));
    expect(refused).toBeInstanceOf(ConflictException);
    expect(refused.getResponse()).toMatchObject({ message: 'promotion of "GET /a" out of shadow refused: …' });
    const conflict = httpExceptionFor(new RevisionConflict('GET /a'));
    expect(conflict.getStatus()).toBe(409);
    expect(conflict.getResponse()).toMatchObject({ message: 'the route changed meanwhile; read it again and retry' });
  });

  it('an invalid route or route list is 400 naming the field', () => {
    const invalid = httpExceptionFor(new InvalidRoute('a route in state service needs "service"', 'service'));
    expect(invalid).toBeInstanceOf(InvalidInputException);
    expect((invalid as InvalidInputException).invalidParams).toEqual([{ name: 'service', reason: 'a route in state service needs "service"' }]);
    expect((httpExceptionFor(new InvalidRoute('invalid route')) as InvalidInputException).invalidParams).toEqual([{ name: 'route', reason: 'invalid route' }]);
    const routeList = httpExceptionFor(new RouteListFormatError('expected a JSON array'));
    expect((routeList as InvalidInputException).invalidParams).toEqual([{ name: 'routeList', reason: 'expected a JSON array' }]);
  });
});
