import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { InvalidParam } from './problem-details.js';

/** Thrown for invalid input; the problem+json answer lists every field at fault. */
export class InvalidInputException extends BadRequestException {
  constructor(readonly invalidParams: InvalidParam[]) {
    super(`invalid ${invalidParams.map((param) => param.name).join(', ')}`);
  }
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): InvalidParam[] {
  return errors.flatMap((error) => {
    const name = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ name, reason }));
    return [...own, ...flattenValidationErrors(error.children ?? [], name)];
  });
}

/** Input is whitelisted: unknown fields are refused, not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new InvalidInputException(flattenValidationErrors(errors)),
  });
}
