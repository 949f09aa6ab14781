import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The browser console's client routes (web/src/router.tsx). Reloading any of them serves index.html (history
 * fallback); nothing else does, so /api, /health, /admin and unknown paths keep the API's own answers.
 */
export const CONSOLE_ROUTES = [
  '/',
  '/login',
  '/intelligence',
  '/intelligence/*',
  '/queue',
  '/cases',
  '/cases/*',
  '/people',
  '/people/*',
  '/vetting',
  '/vetting/*',
  '/figures',
  '/figures/*',
  '/audit',
  '/audit/*',
  '/users',
  '/users/*',
] as const;

/**
 * Strict for the console's own pages: scripts and connections only from this origin, no inline script, no
 * framing. Inline styles stay allowed: Mantine writes its theme variables into a style element.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Where the built console is: dist/web beside the compiled API (dist/src/…), or dist/web under the repository
 * when the API runs from its TypeScript sources (tests). null when it has not been built.
 */
export function consoleDirectory(): string | null {
  for (const candidate of ['../../../web/', '../../../dist/web/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))) return dir;
  }
  return null;
}

/** Serves the built console at / when there is one: hashed assets cached for a year, index.html never. */
export async function serveConsole(fastify: FastifyInstance, dir = consoleDirectory()): Promise<void> {
  if (!dir) return;
  const index = readFileSync(join(dir, 'index.html'));
  const sendIndex = (_: unknown, reply: FastifyReply): FastifyReply =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', CONSOLE_CSP)
      .send(index);
  await fastify.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      wildcard: true,
      // File names carry their content's hash: a new build gets new names.
      immutable: true,
      // The build writes .br and .gz beside each script and style sheet (web/vite.config.ts): sent to a
      // browser that accepts them, with Vary: Accept-Encoding.
      preCompressed: true,
      maxAge: 365 * 24 * 3600 * 1000,
    });
    for (const file of ['favicon.svg']) {
      if (existsSync(join(dir, file))) {
        const body = readFileSync(join(dir, file));
        scope.get(`/${file}`, (_, reply) =>
          reply
            .header('content-type', 'image/svg+xml')
            .header('cache-control', 'public, max-age=86400')
            .send(body),
        );
      }
    }
    for (const path of CONSOLE_ROUTES) scope.get(path, sendIndex);
  });
}
