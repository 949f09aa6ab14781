import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldError {
  @ApiProperty({ example: 'category', description: 'Path of the field (dotted for nested fields)' })
  field: string;

  @ApiProperty({ example: 'category must be one of the following values: ...' })
  message: string;

  @ApiProperty({ example: 'isEnum', description: 'The rule the value broke' })
  rule: string;
}

/**
 * The error codes shared by every module (the filter's and `problems`' own): a module's own codes live in its
 * `<feature>.codes.ts`. The values are the API's stable `code`s: never change one.
 */
export enum CommonError {
  BadRequest = 'bad_request',
  ValidationFailed = 'validation_failed',
  MalformedJson = 'malformed_json',
  Unauthorised = 'unauthorised',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  MethodNotAllowed = 'method_not_allowed',
  NotAcceptable = 'not_acceptable',
  Conflict = 'conflict',
  StaleVersion = 'stale_version',
  /** The record's state does not allow the action (a report, case or alert lifecycle). */
  InvalidTransition = 'invalid_transition',
  /** The caller would act on a record about themselves. */
  ConflictOfInterest = 'conflict_of_interest',
  /** The change would let someone decide something about their own post, roles or account. */
  SeparationOfDuties = 'separation_of_duties',
  Duplicate = 'duplicate',
  ConcurrentUpdate = 'concurrent_update',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  Unprocessable = 'unprocessable',
  ReferenceNotFound = 'reference_not_found',
  ConstraintViolated = 'constraint_violated',
  TooManyRequests = 'too_many_requests',
  ServiceUnavailable = 'service_unavailable',
  InternalError = 'internal_error',
  /** A status without a code of its own (a 4xx Nest or Fastify raised that no entry above names). */
  Error = 'error',
}

/** RFC 9457 problem details, the one error format of the API. */
export class Problem {
  @ApiProperty({ example: 'https://lantern.police.uk/problems/validation_failed' })
  type: string;

  @ApiProperty({ example: 'Validation failed' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiProperty({ example: 'The request has 2 invalid fields' })
  detail: string;

  @ApiProperty({ example: '/api/v1/intelligence' })
  instance: string;

  @ApiProperty({ example: 'validation_failed', description: 'Stable, machine-readable code' })
  code: string;

  @ApiPropertyOptional({ type: [FieldError] })
  errors?: FieldError[];

  @ApiProperty({ example: '5f0c2a8e-3c1b-4c1e-9a51-8d2f0a7c9b11' })
  requestId: string;

  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorised',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export const titleFor = (status: number): string =>
  TITLES[status] ?? (status >= 500 ? 'Server error' : 'Error');

export interface ProblemInit {
  status: number;
  code: string;
  detail: string;
  title?: string;
  errors?: FieldError[];
  /** Extra members (RFC 9457 extensions), e.g. `missing` on a refused case closure. */
  extensions?: Record<string, unknown>;
}

/**
 * The one exception every layer throws for an expected failure. The global filter turns it into
 * problem+json; its detail must never contain intelligence text or personal data.
 */
export class ProblemException extends HttpException {
  constructor(readonly init: ProblemInit) {
    super(init.detail, init.status);
  }
}

/** Shorthands for the common cases, so that codes stay consistent. */
export const problems = {
  notFound: (what = 'resource'): ProblemException =>
    new ProblemException({
      status: HttpStatus.NOT_FOUND,
      code: CommonError.NotFound,
      detail: `The ${what} was not found`,
    }),
  conflict: (code: string, detail: string, extensions?: Record<string, unknown>): ProblemException =>
    new ProblemException({ status: HttpStatus.CONFLICT, code, detail, extensions }),
  staleVersion: (): ProblemException =>
    new ProblemException({
      status: HttpStatus.CONFLICT,
      code: CommonError.StaleVersion,
      detail: 'The record was changed by someone else; reload it and try again',
    }),
  invalid: (field: string, rule: string, message: string): ProblemException =>
    new ProblemException({
      status: HttpStatus.BAD_REQUEST,
      code: CommonError.ValidationFailed,
      detail: message,
      errors: [{ field, rule, message }],
    }),
  unprocessable: (code: string, detail: string, extensions?: Record<string, unknown>): ProblemException =>
    new ProblemException({ status: HttpStatus.UNPROCESSABLE_ENTITY, code, detail, extensions }),
  unauthorised: (): ProblemException =>
    new ProblemException({
      status: HttpStatus.UNAUTHORIZED,
      code: CommonError.Unauthorised,
      detail: 'Authentication is required, or the credentials are not valid',
    }),
  forbidden: (): ProblemException =>
    new ProblemException({
      status: HttpStatus.FORBIDDEN,
      code: CommonError.Forbidden,
      detail: 'Your role does not allow this operation',
    }),
  unavailable: (code: string, detail: string): ProblemException =>
    new ProblemException({ status: HttpStatus.SERVICE_UNAVAILABLE, code, detail }),
};
