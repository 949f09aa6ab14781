import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';

type PostgresConnectionOptions = Extract<DataSourceOptions, { type: 'postgres' }>;
import { DatabaseConfig, loadConfigOrExit } from '../config/app-config.js';
import { databaseOwnerUrl } from './app-role.js';
import { SnakeNamingStrategy } from './naming.js';

/** The database settings; the timeouts (issue 28) default as in DatabaseConfig when left out (bench tools). */
export type DatabaseSettings = Partial<DatabaseConfig>;

/**
 * Set once per connection: a check that the client is still there during long statements, and READ
 * COMMITTED as every
 * transaction's isolation (the audit chain's trigger assumes it), so that starting a transaction is one
 * round trip (`Transactions.write` does not repeat the isolation level on each transaction).
 */
export function connectionOptions(config: DatabaseSettings & { forApi?: boolean } = {}): string {
  return [
    '-c default_transaction_isolation=read\\ committed',
    // A process that dies mid-statement (a worker killed during a sweep) has its statement cancelled and its
    // locks released within seconds, not when the statement would have finished (PostgreSQL 14+).
    '-c client_connection_check_interval=2000',
    // The API's statements answer requests: keyset pages and read models of a few rows, or at worst one
    // figure's aggregate. PostgreSQL's JIT compiles every statement whose estimate passes jit_above_cost, on
    // every execution: ~80 ms on a one-second aggregate over the bench's reports, which it did not make
    // faster (docs/benchmarks.md). Off for the API; the worker's long sweeps keep the server's default.
    ...(config.forApi ? ['-c jit=off'] : []),
    ...timeoutOptions(config),
  ].join(' ');
}

/**
 * Server-side timeouts (issue 28): a transaction left idle is ended, its locks released; the API's statements
 * (not the worker's sweeps and verifications, nor the migrations) are cancelled after a bound.
 */
function timeoutOptions(config: DatabaseSettings & { forApi?: boolean }): string[] {
  const idle = config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS ?? 0;
  const statement = config.DATABASE_STATEMENT_TIMEOUT_MS ?? 0;
  return [
    ...(idle > 0 ? [`-c idle_in_transaction_session_timeout=${idle}`] : []),
    ...(statement > 0 && config.forApi ? [`-c statement_timeout=${statement}`] : []),
  ];
}

/**
 * Options shared by the app (TypeOrmModule, logging in with DATABASE_URL) and the migrations (`url`: the
 * owner's, `databaseOwnerUrl`). Never synchronises the schema.
 */
export function databaseOptions(
  config: Pick<DatabaseConfig, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'> & DatabaseSettings,
  applicationName = 'lantern',
  url = config.DATABASE_URL,
): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    // TypeORM's own logger prints failed statements with their parameters (narrative, names): off. Errors
    // reach the problem filter, which logs the PostgreSQL code only.
    logging: false,
    applicationName,
    extra: {
      max: config.DATABASE_POOL_SIZE,
      options: connectionOptions({ ...config, forApi: applicationName === 'lantern-api' }),
      // Connecting, and waiting for a pooled connection (pg-pool), bounded; the API's client-side wait for
      // an answer too, which alone ends a request to a frozen server (issue 28).
      connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS ?? 5000,
      ...(applicationName === 'lantern-api' && (config.DATABASE_QUERY_TIMEOUT_MS ?? 0) > 0
        ? { query_timeout: config.DATABASE_QUERY_TIMEOUT_MS }
        : {}),
    },
  };
}

// dist/src/database -> dist
const distRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

const config = loadConfigOrExit(DatabaseConfig);

/**
 * The DataSource the migrations run on (`npm run migration:run`, `npm run demo`, and the TypeORM CLI on
 * `dist/src/database/data-source.js`): the owner's login, never the application's. No entities: queries are
 * Kysely's, typed by `db.ts` (ADR 0001), and migrations are written by hand.
 */
export default new DataSource({
  ...databaseOptions(config, 'lantern-migrations', databaseOwnerUrl(config)),
  entities: [],
  migrations: [join(distRoot, 'migrations', '*.js')],
  migrationsTableName: 'migrations',
  migrationsTransactionMode: 'each',
});
