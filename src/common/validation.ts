import { HttpStatus, ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, ProblemException } from './problem.js';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const constraints = Object.entries(error.constraints ?? {});
    if (constraints.length > 0) {
      // One entry per field: the first rule it broke (the most basic, as class-validator lists them).
      const [rule, message] = constraints[constraints.length - 1];
      out.push({
        field,
        rule,
        message: rule === 'whitelistValidation' ? `${field} is not allowed` : message,
      });
    }
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

export function validationProblem(errors: FieldError[]): ProblemException {
  return new ProblemException({
    status: HttpStatus.BAD_REQUEST,
    code: 'validation_failed',
    detail:
      errors.length === 1
        ? `The field ${errors[0].field} is invalid`
        : `The request has ${errors.length} invalid fields`,
    title: 'Validation failed',
    errors,
  });
}

/** The one ValidationPipe: whitelist, reject unknown fields, transform; errors become problem+json. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flatten(errors)),
  });
}

/** Path parameter that must be a UUID; anything else is a 400 naming the parameter. */
export const uuidPipe = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      validationProblem([{ field: name, rule: 'isUuid', message: `${name} must be a UUID` }]),
  });
