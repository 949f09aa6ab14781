import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  ValidateIf,
  validateSync,
  type ValidationError,
} from 'class-validator';

import { isIP } from 'node:net';
import { parseVettingRules, VettingRulesError } from './vetting-rules.js';

@ValidatorConstraint({ name: 'isVettingRules' })
class IsVettingRules implements ValidatorConstraintInterface {
  private message = 'VETTING_RULES is invalid';

  validate(value: unknown): boolean {
    try {
      parseVettingRules(typeof value === 'string' ? value : '');
      return true;
    } catch (error) {
      if (error instanceof VettingRulesError) this.message = error.message;
      return false;
    }
  }

  defaultMessage(): string {
    return this.message;
  }
}

/** proxy-addr's (Fastify's) names for address ranges, accepted in TRUST_PROXY beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** The entries of TRUST_PROXY: comma-separated, blanks dropped; empty (or the old `false`) trusts none. */
export function trustedProxies(value: string): string[] {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return entries.length === 1 && entries[0] === 'false' ? [] : entries;
}

const isProxyEntry = (entry: string): boolean => {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

@ValidatorConstraint({ name: 'isTrustedProxyList' })
class IsTrustedProxyList implements ValidatorConstraintInterface {
  private message = 'TRUST_PROXY is invalid';

  validate(value: unknown): boolean {
    const entries = trustedProxies(typeof value === 'string' ? value : '');
    if (entries.some((e) => ['true', '1', 'yes', '*'].includes(e.toLowerCase()))) {
      this.message =
        "TRUST_PROXY no longer takes true: list the trusted proxies' addresses or CIDRs, comma-separated " +
        '(e.g. 10.0.0.5,172.16.0.0/12); empty trusts none';
      return false;
    }
    const bad = entries.find((e) => !isProxyEntry(e));
    if (bad !== undefined) {
      this.message = `TRUST_PROXY entry "${bad.slice(0, 60)}" is not an IP address, a CIDR or one of ${PROXY_RANGE_NAMES.join(', ')}`;
      return false;
    }
    return true;
  }

  defaultMessage(): string {
    return this.message;
  }
}

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s/]*\/[A-Za-z0-9_-]+(\?\S*)?$/;
const REDIS_URL = /^rediss?:\/\/[^\s/]*(\/\d+)?$/;
const CRON = /^(\S+\s+){4,5}\S+$/;

/** A URL that parses, with a port (when given) from 1 to 65535: `postgres://h:abc/db` is refused at start. */
@ValidatorConstraint({ name: 'hasValidPort' })
class HasValidPort implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    try {
      const port = new URL(String(value)).port;
      return port === '' || (Number(port) >= 1 && Number(port) <= 65535);
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'DATABASE_URL must have a numeric port from 1 to 65535';
  }
}

/** The settings the migrations need: just the database, as the application and as the owner. */
export class DatabaseConfig {
  /**
   * The API's and worker's own login: role `lantern_app` (created by the migrations; no superuser, no
   * membership in the owner role, no UPDATE, DELETE or TRUNCATE on the audit trail). Its password, if any,
   * is the one the migrations give the role (`npm run migration:run`, `npm run demo`).
   */
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgres:// URL with a database name' })
  @Validate(HasValidPort)
  DATABASE_URL = 'postgres://lantern_app@127.0.0.1:5432/lantern';

  /**
   * The schema owner's login, for the migrations, `npm run demo` and the bench's seeding only (never the API
   * or the worker). Empty: DATABASE_URL's server and database as user `postgres`, without a password
   * (`databaseOwnerUrl`), which is PostgreSQL's superuser on a developer machine with local trust auth.
   */
  @ValidateIf((c: DatabaseConfig) => c.DATABASE_OWNER_URL !== '')
  @Matches(POSTGRES_URL, { message: 'DATABASE_OWNER_URL must be a postgres:// URL with a database name' })
  DATABASE_OWNER_URL = '';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Connecting, or waiting for a pooled connection, longer than this fails (503 in the API). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_CONNECT_TIMEOUT_MS = 5000;

  /** The API's statements are cancelled by PostgreSQL after this (0: never); the worker's are not. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 15_000;

  /** The API gives up on an answer after this even when PostgreSQL is frozen (0: never). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DATABASE_QUERY_TIMEOUT_MS = 20_000;

  /** A session idle inside a transaction this long is ended by PostgreSQL, its locks released (0: never). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
}

/**
 * Every setting Lantern reads from the environment, with the defaults that work on a developer machine
 * (PostgreSQL and Redis on localhost). Validated once at start; see `.env.example` for the list.
 */
export class AppConfig extends DatabaseConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(REDIS_URL, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'REDIS_PREFIX must be 1-64 letters, digits, _ or -' })
  REDIS_PREFIX = 'lantern';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Largest accepted request body in bytes (CSV imports have their own, larger limit). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BODY_LIMIT = 1_048_576;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  IMPORT_BODY_LIMIT = 20_971_520;

  /** Comma-separated origins allowed by CORS; empty means CORS is off. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS = '';

  /** HS256 signing key for access tokens: at least 32 characters, never a default in code. */
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be set to at least 32 characters' })
  JWT_SECRET: string;

  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(86400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(300)
  REFRESH_TTL_SECONDS = 1_209_600;

  /**
   * How long an API process may reuse a session check (0: check the database on every request). Changes
   * that end access are pushed to every process at once (LISTEN/NOTIFY), so this only bounds staleness if
   * a notification were lost.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_CACHE_SECONDS = 30;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_LOCK_MINUTES = 15;

  /** Login attempts allowed per client address per minute (counted in Redis). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT_PER_MINUTE = 20;

  /**
   * The reverse proxies whose X-Forwarded-For is believed: comma-separated IP addresses or CIDRs (or
   * proxy-addr's names loopback, linklocal, uniquelocal), passed to Fastify's own `trustProxy`. Empty: none,
   * the client address is the connection's. See `trustedProxies`.
   */
  @IsString()
  @Validate(IsTrustedProxyList)
  TRUST_PROXY = '';

  /**
   * Separation of duties: a user holding `auditor` together with `analyst` or `supervisor` would audit their
   * own casework, so user management refuses the combination unless this is true (small units).
   */
  @Transform(toBool)
  @IsBoolean()
  ALLOW_AUDITOR_WITH_CASEWORK = false;

  /** Cron (UTC) of the vetting sweep; every worker registers the same single scheduler. */
  @Matches(CRON, { message: 'VETTING_SWEEP_CRON must be a cron expression' })
  VETTING_SWEEP_CRON = '0 * * * *';

  /**
   * Vetting rules as JSON overriding the defaults from domain.md: renewal periods in months, warning
   * windows in days, and which level satisfies which requirement. See `src/config/vetting-rules.ts`.
   */
  @IsOptional()
  @IsString()
  @Validate(IsVettingRules)
  VETTING_RULES = '';

  /**
   * Tests only (ignored unless NODE_ENV=test): the date the clock reports as today (YYYY-MM-DD), so that
   * a spawned worker sweeps as of a known day.
   */
  @ValidateIf((c: AppConfig) => c.CLOCK_TODAY !== '')
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'CLOCK_TODAY must be a date (YYYY-MM-DD)' })
  CLOCK_TODAY = '';

  /** Seconds between outbox relays (the safety net; new alerts also trigger one at once). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  OUTBOX_RELAY_INTERVAL_SECONDS = 10;

  /**
   * On SIGTERM the worker finishes or returns its jobs within this many seconds, then exits whatever is
   * still waiting (Redis or a webhook down); keep compose's stop_grace_period above it.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600)
  WORKER_SHUTDOWN_TIMEOUT_SECONDS = 30;

  /** Webhook that receives vetting alerts (JSON, signed with ALERT_WEBHOOK_SECRET); empty means none. */
  @ValidateIf((c: AppConfig) => c.ALERT_WEBHOOK_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'ALERT_WEBHOOK_URL must be an http(s) URL' })
  ALERT_WEBHOOK_URL = '';

  @IsOptional()
  @IsString()
  ALERT_WEBHOOK_SECRET = '';

  /** Days from receipt by which intelligence must be assessed. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  INTEL_ASSESSMENT_TARGET_DAYS = 28;

  /** Window in days for the possible-duplicates check on new intelligence. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  INTEL_DUPLICATE_WINDOW_DAYS = 90;
  /** Reminders (docs/reminders.md): days ahead of a case's next update to the subject or complainant. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  REMINDER_UPDATE_LEAD_DAYS = 7;

  /** Reminders: days ahead of the 12-month mark (reported to the police and crime commissioner). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(180)
  REMINDER_PCC_LEAD_DAYS = 30;

  /** Reminders: days ahead of a development review date and of an assessment target. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  REMINDER_REVIEW_LEAD_DAYS = 7;

  /** Reminders: cron (UTC) of the worker's reminder sweep (idempotent: any number of runs raise once). */
  @IsString()
  REMINDER_SWEEP_CRON = '15 * * * *';

  /** The London hour (0-23) from which each person's morning digest e-mail is sent. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(23)
  REMINDER_DIGEST_HOUR = 7;

  /** SMTP server for the digest e-mails (smtp:// or smtps://, credentials in the URL); empty: e-mail off. */
  @ValidateIf((c: AppConfig) => c.SMTP_URL !== '')
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL = '';

  /** The digest's sender address. */
  @IsString()
  SMTP_FROM = 'Lantern <lantern@localhost>';

  /** The console's address, for the links in digests (a reference links to `<CONSOLE_URL>/cases/<id>`). */
  @ValidateIf((c: AppConfig) => c.CONSOLE_URL !== '')
  @Matches(/^https?:\/\/\S+$/, { message: 'CONSOLE_URL must be an http(s) URL' })
  CONSOLE_URL = 'http://localhost:3000';

  /** Days of ICT monitoring events kept; older day partitions are dropped by the worker (docs/monitoring.md). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3660)
  MONITORING_RETENTION_DAYS = 400;
}

export class ConfigError extends Error {}

function describe(errors: ValidationError[]): string {
  const first = errors[0];
  const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
  // class-validator messages start with the property name; keep them one line and naming the variable.
  return message.startsWith(first.property) ? message : `${first.property} ${message}`;
}

type Env = Record<string, string | undefined>;

/** Validates the given environment (default `process.env`) into a typed config, or throws ConfigError. */
export function loadConfig(env?: Env): AppConfig;
export function loadConfig<T extends object>(env: Env, schema: new () => T): T;
export function loadConfig<T extends object>(env: Env = process.env, schema?: new () => T): T | AppConfig {
  const cls = (schema ?? AppConfig) as new () => T;
  const known = [...Object.keys(new cls()), 'JWT_SECRET'];
  const relevant: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const config: T = plainToInstance<T, object>(cls, relevant, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) throw new ConfigError(`Invalid configuration: ${describe(errors)}`);
  return config;
}

/** For entry points: load `.env` if present, validate, and on failure exit 1 with one line naming the variable. */
export function loadConfigOrExit(): AppConfig;
export function loadConfigOrExit<T extends object>(schema: new () => T): T;
export function loadConfigOrExit<T extends object>(schema?: new () => T): T | AppConfig {
  try {
    process.loadEnvFile();
  } catch {
    // no .env file: the environment alone configures Lantern
  }
  try {
    return schema ? loadConfig(process.env, schema) : loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
