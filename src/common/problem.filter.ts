import { ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { CommonError, type FieldError, type Problem, ProblemException, titleFor } from './problem.js';

export const PROBLEM_TYPE_BASE = 'https://lantern.police.uk/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const NEST_CODES: Record<number, CommonError> = {
  400: CommonError.BadRequest,
  401: CommonError.Unauthorised,
  403: CommonError.Forbidden,
  404: CommonError.NotFound,
  405: CommonError.MethodNotAllowed,
  406: CommonError.NotAcceptable,
  409: CommonError.Conflict,
  413: CommonError.PayloadTooLarge,
  415: CommonError.UnsupportedMediaType,
  422: CommonError.Unprocessable,
  429: CommonError.TooManyRequests,
  503: CommonError.ServiceUnavailable,
};

/** Errors raised by Fastify itself (body parsing, limits) before a handler runs. */
const FASTIFY_CODES: Record<string, { code: CommonError; detail: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: CommonError.UnsupportedMediaType,
    detail: 'The request body must be sent as application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: CommonError.PayloadTooLarge,
    detail: 'The request body is larger than allowed',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: CommonError.MalformedJson,
    detail: 'The request body is not valid JSON',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: CommonError.MalformedJson,
    detail: 'The request body is empty but JSON was declared',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: CommonError.BadRequest,
    detail: 'The Content-Length header is not valid',
  },
  FST_ERR_BAD_URL: { code: CommonError.BadRequest, detail: 'The URL is not valid' },
};

/** PostgreSQL errors that are the caller's fault; their server detail (with values) is never echoed. */
const PG_CODES: Record<string, { status: number; code: CommonError; detail: string }> = {
  '23505': {
    status: 409,
    code: CommonError.Duplicate,
    detail: 'A record with the same unique value already exists',
  },
  '23503': { status: 422, code: CommonError.ReferenceNotFound, detail: 'A referenced record does not exist' },
  '23514': {
    status: 422,
    code: CommonError.ConstraintViolated,
    detail: 'The values break a rule of the record',
  },
  '22P02': { status: 400, code: CommonError.BadRequest, detail: 'A value has the wrong format' },
  '22007': { status: 400, code: CommonError.BadRequest, detail: 'A date or time is not valid' },
  '22008': { status: 400, code: CommonError.BadRequest, detail: 'A date or time is out of range' },
  // Behind the request checks (integers bounded by Int4, NUL and lone surrogates refused in every string):
  // a value that reaches PostgreSQL another way is still the caller's 400, never a 500.
  '22003': { status: 400, code: CommonError.BadRequest, detail: 'A number is out of range' },
  '22021': { status: 400, code: CommonError.BadRequest, detail: 'A text value is not valid UTF-8' },
  '22P05': {
    status: 400,
    code: CommonError.BadRequest,
    detail: 'A text value holds a character that cannot be stored',
  },
  '40001': {
    status: 409,
    code: CommonError.ConcurrentUpdate,
    detail: 'A concurrent change interfered; try again',
  },
  '40P01': {
    status: 409,
    code: CommonError.ConcurrentUpdate,
    detail: 'A concurrent change interfered; try again',
  },
};

/**
 * A database or Redis that is down, restarting, frozen or overloaded (issue 28): the request may succeed in a
 * moment, so it is a 503 with Retry-After, never a 500. PostgreSQL's connection exceptions (class 08),
 * shutdowns and start-ups (57P01-57P03), too many connections (53300) and a cancelled statement (57014, the
 * statement timeout); the socket errors of a lost connection; pg's and pg-pool's timeouts; ioredis refusing a
 * command while Redis is away.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300|57014)$/;
const UNAVAILABLE_SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connection timeout|Client has encountered a connection error|Client was closed|enableOfflineQueue|max retries per request|Connection is closed/i;
export const RETRY_AFTER_SECONDS = 5;

/** Whether an error (or the error inside it: TypeORM's driverError, a cause) is an unavailable dependency. */
export function isUnavailable(exception: unknown, depth = 0): boolean {
  if (!exception || typeof exception !== 'object' || depth > 3) return false;
  const e = exception as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_SOCKET.has(e.code)))
    return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  return isUnavailable(e.driverError, depth + 1) || isUnavailable(e.cause, depth + 1);
}

interface MaybeFastifyError {
  code?: string;
  statusCode?: number;
}

export function problemFor(exception: unknown, instance: string, requestId: string): Problem {
  const base = (status: number, code: string, detail: string, errors?: FieldError[]): Problem => ({
    type: PROBLEM_TYPE_BASE + code,
    title: titleFor(status),
    status,
    detail,
    instance,
    code,
    ...(errors ? { errors } : {}),
    requestId,
  });

  if (exception instanceof ProblemException) {
    const { status, code, detail, errors, title, extensions } = exception.init;
    return { ...base(status, code, detail, errors), ...(title ? { title } : {}), ...extensions, requestId };
  }
  if (exception instanceof HttpException) {
    // Fastify's own errors (body parsing, limits) arrive wrapped by Nest, the original as the cause.
    const cause = exception.cause as MaybeFastifyError | undefined;
    if (typeof cause?.code === 'string' && FASTIFY_CODES[cause.code]) {
      return base(exception.getStatus(), FASTIFY_CODES[cause.code].code, FASTIFY_CODES[cause.code].detail);
    }
    if (cause instanceof SyntaxError)
      return base(400, CommonError.MalformedJson, 'The request body is not valid JSON');
    const status = exception.getStatus();
    const code = NEST_CODES[status] ?? (status >= 500 ? CommonError.InternalError : CommonError.Error);
    const detail =
      status === 404 ? 'No such resource or route' : status >= 500 ? 'Server error' : exception.message;
    return base(status, code, detail);
  }
  if (exception instanceof QueryFailedError) {
    const pgCode = (exception.driverError as { code?: string } | undefined)?.code ?? '';
    const known = PG_CODES[pgCode];
    if (known) return base(known.status, known.code, known.detail);
  }
  const fastify = exception as MaybeFastifyError;
  if (typeof fastify?.code === 'string' && FASTIFY_CODES[fastify.code]) {
    const known = FASTIFY_CODES[fastify.code];
    const status = fastify.statusCode ?? 400;
    return base(status, known.code, known.detail);
  }
  if (exception instanceof SyntaxError && fastify.statusCode === 400) {
    return base(400, CommonError.MalformedJson, 'The request body is not valid JSON');
  }
  if (typeof fastify?.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return base(
      fastify.statusCode,
      NEST_CODES[fastify.statusCode] ?? CommonError.BadRequest,
      titleFor(fastify.statusCode),
    );
  }
  if (isUnavailable(exception)) {
    return base(
      503,
      CommonError.ServiceUnavailable,
      `A service Lantern depends on is unavailable; try again in ${RETRY_AFTER_SECONDS} seconds`,
    );
  }
  return base(
    500,
    CommonError.InternalError,
    'An unexpected error occurred; quote the requestId when reporting it',
  );
}

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  if (problem.status === 503 && !reply.hasHeader('retry-after'))
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}

/** The one global exception filter: everything leaves as RFC 9457 problem+json; 5xx detail stays in the log. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = problemFor(exception, request.url.split('?')[0], String(request.id));
    if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId: request.id }, 'Unhandled error');
    }
    sendProblem(reply, problem);
  }
}
