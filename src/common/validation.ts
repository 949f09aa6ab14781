import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  ParseUUIDPipe,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CommonError, type FieldError, ProblemException } from './problem.js';

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
    code: CommonError.ValidationFailed,
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

/** The query parameters a handler declares: `dto` when it takes a query DTO, else the names it reads one by one. */
type DeclaredQuery = { dto: true } | { dto: false; names: Set<string> };

function declaredQuery(controller: object, handler: { name: string }): DeclaredQuery {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<
    string,
    { data?: unknown }
  >;
  const names = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== Number(RouteParamtypes.QUERY)) continue;
    if (typeof arg.data !== 'string') return { dto: true };
    names.add(arg.data);
  }
  return { dto: false, names };
}

/**
 * Every route refuses a query parameter it does not declare, as a 400 naming it (`whitelistValidation`, the
 * rule the ValidationPipe gives an unknown field), so that a misspelt filter is never silently ignored. A route
 * declares its parameters in one way, its query DTO (`@Query() query: XQuery`), whose unknown fields the
 * ValidationPipe above refuses (`forbidNonWhitelisted`); a route without one takes no parameter, and this
 * guard refuses any. It is the second global guard, after `AccessGuard` (a call without a token is still a
 * 401; AppModule lists them in that order), so it runs before the pipes. A guard, not an interceptor: with no
 * interceptor Nest runs a handler without wrapping it in an Observable, a cost every request paid
 * (docs/benchmarks.md, the intelligence write). What each handler declares is read once, from the metadata `@Query` leaves.
 */
@Injectable()
export class RejectUndeclaredQuery implements CanActivate {
  private readonly declared = new WeakMap<object, DeclaredQuery>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    let declared = this.declared.get(handler);
    if (!declared) {
      declared = declaredQuery(context.getClass(), handler);
      this.declared.set(handler, declared);
    }
    if (!declared.dto) {
      const query = context.switchToHttp().getRequest<FastifyRequest>().query;
      const names = query !== null && typeof query === 'object' ? Object.keys(query) : [];
      const undeclared = names.filter((n) => !declared.names.has(n));
      if (undeclared.length > 0) {
        throw validationProblem(
          undeclared.map((field) => ({
            field,
            rule: 'whitelistValidation',
            message: `${field} is not allowed`,
          })),
        );
      }
    }
    return true;
  }
}

/** Path parameter that must be a UUID; anything else is a 400 naming the parameter. */
export const uuidPipe = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      validationProblem([{ field: name, rule: 'isUuid', message: `${name} must be a UUID` }]),
  });

/** A NUL, or any surrogate (paired or not): the fast test before the exact one. */
// eslint-disable-next-line no-control-regex -- NUL is the character looked for
const SUSPECT = /[\u0000\ud800-\udfff]/;
/** A high surrogate without its low one after it, or a low one without its high one before it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored as PostgreSQL text (UTF-8, no NUL), or null when it can. */
export function illFormed(text: string): 'nul' | 'surrogate' | null {
  if (!SUSPECT.test(text)) return null;
  if (text.includes('\u0000')) return 'nul';
  return LONE_SURROGATE.test(text) ? 'surrogate' : null;
}

const MAX_TEXT_ERRORS = 20;
/** Deeper than the JSON parser lets a body be (`JSON_MAX_DEPTH`), so only a non-JSON value stops here. */
const MAX_WALK_DEPTH = 64;

/**
 * Every string in `value` (object keys included) that is not well-formed text, as field errors named like
 * the ValidationPipe's (`grading.handlingConditions`, `subjects.0.role`); `root` names a string that is the
 * whole value (a text/csv body).
 */
export function illFormedText(value: unknown, root: string, path = '', out: FieldError[] = []): FieldError[] {
  const visit = (v: unknown, field: string, depth: number): void => {
    if (out.length >= MAX_TEXT_ERRORS || depth > MAX_WALK_DEPTH) return;
    if (typeof v === 'string') {
      const why = illFormed(v);
      if (why) out.push(textError(field || root, why));
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, field ? `${field}.${i}` : String(i), depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(v)) {
      const why = illFormed(key);
      // A bad key is named with its bad characters replaced, so that the answer is well-formed itself.
      // eslint-disable-next-line no-control-regex -- NUL is the character replaced
      const name = why ? key.replace(/[\u0000\ud800-\udfff]/g, '\ufffd') : key;
      const child = field ? `${field}.${name}` : name;
      if (why) out.push(textError(child, why));
      visit(item, child, depth + 1);
    }
  };
  visit(value, path, 0);
  return out;
}

function textError(field: string, why: 'nul' | 'surrogate'): FieldError {
  return {
    field,
    rule: 'wellFormedText',
    message:
      why === 'nul'
        ? `${field} must not contain a NUL character`
        : `${field} must be well-formed Unicode (it has an unpaired surrogate)`,
  };
}

/**
 * The one check of text in every request, before any guard, pipe or handler: a NUL byte or an unpaired
 * surrogate in any string of the path parameters, the query or the body (JSON or CSV) is a 400 naming the
 * field. PostgreSQL cannot store either (a NUL is refused, a lone surrogate is not UTF-8), and no DTO needs
 * to remember it.
 */
export function rejectIllFormedText(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const errors = illFormedText(request.params, 'params');
    illFormedText(request.query, 'query', '', errors);
    illFormedText(request.body, 'body', '', errors);
    done(errors.length > 0 ? validationProblem(errors) : undefined);
  });
}
