import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Role } from './roles.js';

/** Who is acting, as every service and the audit trail see them. */
export interface Actor {
  /** null for an unauthenticated caller (e.g. a failed login). */
  userId: string | null;
  roles: Role[];
  /** The caller's own workforce record: what they may never see intelligence or cases about. */
  workforceMemberId: string | null;
  sessionId: string | null;
  requestId: string;
  clientAddress: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}

export function anonymousActor(request: FastifyRequest): Actor {
  return {
    userId: null,
    roles: [],
    workforceMemberId: null,
    sessionId: null,
    requestId: String(request.id),
    clientAddress: request.ip ?? null,
  };
}

/** The authenticated caller (set by the access guard), or an anonymous actor on public routes. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return request.actor ?? anonymousActor(request);
});

export const hasRole = (actor: Actor, ...roles: Role[]): boolean =>
  roles.some((r) => actor.roles.includes(r));
