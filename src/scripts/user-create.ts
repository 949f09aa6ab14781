import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { ALL_ROLES, Role } from '../common/auth/roles.js';
import { CoreModule } from '../common/core.module.js';
import { ProblemException } from '../common/problem.js';
import { type AppConfig, ConfigError, loadConfig } from '../config/app-config.js';
import { AuditModule } from '../modules/audit/audit.module.js';
import { AuthModule } from '../modules/auth/auth.module.js';
import { UsersService } from '../modules/auth/users.service.js';

/**
 * `npm run user:create -- --email a@b --role admin [--role auditor] [--name "A B"]`: creates a user, e.g. the
 * first admin. The password is read from stdin when piped, otherwise generated and printed once.
 */
const usage =
  'usage: npm run user:create -- --email <email> --role <role> [--role <role>] [--name <display name>]';
const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string): never => {
  process.stderr.write(`${line}\n`);
  process.exit(1);
};

const { values } = parseArgs({
  options: { email: { type: 'string' }, role: { type: 'string', multiple: true }, name: { type: 'string' } },
  strict: true,
});
if (!values.email || !values.role?.length) fail(usage);
const ROLE_NAMES = new Set<string>(ALL_ROLES);
const isRole = (r: string): r is Role => ROLE_NAMES.has(r);
const roles = values.role!.map((r) =>
  isRole(r) ? r : fail(`unknown role ${r}; one of ${ALL_ROLES.join(', ')}`),
);

async function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  return text.length > 0 ? text : undefined;
}

try {
  process.loadEnvFile();
} catch {
  // environment only
}
const configOrFail = (): AppConfig => {
  try {
    // The CLI signs no tokens: a throwaway secret satisfies the API's config when none is set.
    return loadConfig({
      ...process.env,
      JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
    });
  } catch (error) {
    return fail(error instanceof ConfigError ? error.message : String(error));
  }
};
const config = configOrFail();

@Module({ imports: [CoreModule.register(config, 'api'), AuditModule, AuthModule] })
class CliModule {}

const password = await readStdin();
const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
try {
  const created = await app.get(UsersService).create(
    {
      userId: null,
      roles: [],
      workforceMemberId: null,
      sessionId: null,
      requestId: `cli-${Date.now()}`,
      clientAddress: 'cli',
    },
    { email: values.email!, displayName: values.name ?? values.email!, roles, password },
  );
  out(`created ${created.email} (${created.roles.join(', ')}) id ${created.id}`);
  if (created.generatedPassword) out(`password (shown once): ${created.generatedPassword}`);
} catch (error) {
  const init = error instanceof ProblemException ? error.init : null;
  fail(
    init
      ? `${init.detail}${init.errors ? `: ${init.errors.map((e) => e.message).join('; ')}` : ''}`
      : String(error),
  );
} finally {
  await app.close();
}
