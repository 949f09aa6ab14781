import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { problems } from '../problem.js';
import type { Actor } from './actor.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';
import type { Role } from './roles.js';

/** Resolves a bearer token to an actor, or null when it is not valid now (expired, revoked, disabled...). */
export abstract class TokenAuthenticator {
  abstract authenticate(token: string, request: FastifyRequest): Promise<Actor | null>;
}

/** Records a caller refused by role (an `access.denied` audit event naming the route). */
export abstract class AccessAuditor {
  abstract denied(actor: Actor, route: string): Promise<void>;
}

/**
 * The global guard, deny by default: a route is open only if it is @Public() or names its roles with
 * @Roles(); an undeclared route answers 403 to everyone (and a test fails). 401 without a valid token,
 * 403 with one whose roles are not allowed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenAuthenticator) private readonly authenticator: TokenAuthenticator,
    @Inject(AccessAuditor) private readonly auditor: AccessAuditor,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match) throw problems.unauthorised();
    const actor = await this.authenticator.authenticate(match[1], request);
    if (!actor) throw problems.unauthorised();
    request.actor = actor;

    if (!allowed || !allowed.some((role) => actor.roles.includes(role))) {
      const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
      await this.auditor.denied(actor, route);
      throw problems.forbidden();
    }
    return true;
  }
}
