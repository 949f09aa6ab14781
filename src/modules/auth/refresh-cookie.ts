import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The browser console's refresh token: an HttpOnly, Secure, SameSite=Strict cookie sent only to the auth
 * routes, so no script can read it and no other route (or site) ever receives it. API clients keep the
 * JSON flow (the token in the body); a login asks for the cookie with `"cookie": true`.
 */
export const REFRESH_COOKIE = 'lantern_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
const TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

/** The refresh cookie's value when the request carries a well-formed one. */
export function refreshCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === REFRESH_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return TOKEN.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function setRefreshCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  void reply.header(
    'set-cookie',
    `${REFRESH_COOKIE}=${token}; Path=${REFRESH_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`,
  );
}

export function clearRefreshCookie(reply: FastifyReply): void {
  void reply.header(
    'set-cookie',
    `${REFRESH_COOKIE}=; Path=${REFRESH_COOKIE_PATH}; Max-Age=0; HttpOnly; Secure; SameSite=Strict`,
  );
}
