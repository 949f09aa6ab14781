import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES, ERROR_CODES } from './catalogue.js';
import { AppModule } from './app.module.js';
import { TokenAuthenticator } from './common/auth/access.guard.js';
import { registerCsvParser, registerJsonParser, registerNdjsonParser } from './common/body.js';
import { SOURCE_KEY_HEADER } from './modules/monitoring/sources.service.js';
import { logRequests } from './common/logging.js';
import { describeEnums, describeOperations, routesByOperation } from './common/openapi.js';
import { rejectIllFormedText } from './common/validation.js';
import { type AppConfig, trustedProxies } from './config/app-config.js';
import { serveConsole } from './modules/console/serve-console.js';

export const API_PREFIX = 'api/v1';
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The request's correlation id: the caller's X-Request-Id when well-formed, a new UUID otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Lantern API')
    .setDescription(
      'Counter-corruption case tracking for police professional standards units: intelligence, cases, ' +
        'IOPC referrals and outcomes, vetting and an audited record of who saw what. Errors are RFC 9457 ' +
        'application/problem+json.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const operationId = (controller: string, method: string) =>
    `${controller.replace(/Controller$/, '')}_${method}`;
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: operationId });
  // Roles, constraints, examples and the errors every route can answer, from the metadata the guard, the
  // pipes and the validators enforce.
  describeOperations(document, routesByOperation(app, operationId), ERROR_CODES);
  // What each code means, in the enum's own schema.
  describeEnums(document);
  // The catalogue (src/catalogue.ts): every problem's `code`, every audit event's `action` and
  // `resourceType`, as enums, in the answers and in the audit search's filters.
  enumerate(document, 'Problem', 'code', ERROR_CODES);
  enumerate(document, 'AuditEventView', 'action', AUDIT_ACTIONS);
  enumerate(document, 'AuditEventView', 'resourceType', AUDIT_RESOURCE_TYPES);
  enumerateQuery(document, '/api/v1/audit/', 'action', AUDIT_ACTIONS);
  enumerateQuery(document, '/api/v1/audit/', 'resourceType', AUDIT_RESOURCE_TYPES);
  return document;
}

/** Gives a string query parameter of every operation under `prefix` the values it can take. */
function enumerateQuery(document: OpenAPIObject, prefix: string, name: string, values: string[]): void {
  let found = 0;
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith(prefix)) continue;
    for (const operation of [item.get, item.post, item.put, item.patch, item.delete]) {
      for (const parameter of operation?.parameters ?? []) {
        if ('$ref' in parameter || parameter.in !== 'query' || parameter.name !== name) continue;
        if (!parameter.schema || '$ref' in parameter.schema)
          throw new Error(`OpenAPI: no schema for ${name}`);
        parameter.schema.enum = values;
        found += 1;
      }
    }
  }
  if (found === 0)
    throw new Error(`OpenAPI: no query parameter ${name} under ${prefix} to list the catalogue in`);
}

/** Gives a string property of a component schema the values it can take. */
function enumerate(document: OpenAPIObject, schema: string, property: string, values: string[]): void {
  const target = document.components?.schemas?.[schema];
  const field = target && 'properties' in target ? target.properties?.[property] : undefined;
  if (!field || '$ref' in field)
    throw new Error(`OpenAPI: no ${schema}.${property} to list the catalogue in`);
  field.enum = values;
}

/** Builds the API exactly as `main.ts` serves it; tests, the OpenAPI script and the bench use the same. */
export async function createApp(
  config: AppConfig,
  options: { logs?: boolean; logDestination?: DestinationStream } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT,
    // Only the listed proxies' X-Forwarded-For is believed (never any client's); none by default.
    trustProxy: trustedProxies(config.TRUST_PROXY).length > 0 ? trustedProxies(config.TRUST_PROXY) : false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      requestIdFrom(req.headers['x-request-id']),
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config, options.logDestination),
    adapter,
    {
      bufferLogs: true,
      abortOnError: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  if (options.logs !== false) {
    app.useLogger(app.get(Logger));
    logRequests(fastify);
  } else app.useLogger(false);

  // Bad input, in one place for every route: text/csv only where a route takes it (@CsvBody()), NUL bytes
  // and unpaired surrogates refused in every string, JSON nesting capped (after init, below).
  const authenticator = app.get(TokenAuthenticator, { strict: false });
  registerCsvParser(fastify, config.IMPORT_BODY_LIMIT, (token, request) =>
    authenticator.authenticate(token, request),
  );
  registerNdjsonParser(fastify, config.IMPORT_BODY_LIMIT, SOURCE_KEY_HEADER);
  rejectIllFormedText(fastify);
  // Graceful stop (issue 28): once closing, every answer still in flight ends its keep-alive connection, so
  // the server closes as soon as the last request is answered (not after Fastify's 72 s keep-alive timeout).
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/v1')) void reply.header('cache-control', 'no-store');
  });
  await app.register(helmet, { contentSecurityPolicy: false, global: true });
  const origins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length > 0)
    app.enableCors({ origin: origins, credentials: false, exposedHeaders: ['X-Request-Id'] });

  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready'] });
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs/openapi.json',
    // The token entered under "Authorize" survives a reload of the page.
    swaggerOptions: { persistAuthorization: true },
  });
  // The browser console (web/, built into dist/web) at /, with history fallback for its routes only.
  await serveConsole(fastify);
  await app.init();
  // JSON only: Nest registers form and text parsers at init; without them other bodies are a 415.
  // (text/csv is registered above, for the routes marked @CsvBody() only.)
  fastify.removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded']);
  registerJsonParser(fastify, config.BODY_LIMIT);
  return app;
}
