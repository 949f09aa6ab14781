import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';

type PostgresConnectionOptions = Extract<DataSourceOptions, { type: 'postgres' }>;
import { DatabaseConfig, loadConfigOrExit } from '../config/app-config.js';
import { SnakeNamingStrategy } from './naming.js';

/**
 * Set once per connection: the application role (when configured), a check that the client is still there
 * during long statements, and READ COMMITTED as every
 * transaction's isolation (the audit chain's trigger assumes it), so that starting a transaction is one
 * round trip (`Transactions.run` does not repeat the isolation level on each transaction).
 */
export function connectionOptions(config: DatabaseConfig): string {
  return [
    '-c default_transaction_isolation=read\\ committed',
    // A process that dies mid-statement (a worker killed during a sweep) has its statement cancelled and its
    // locks released within seconds, not when the statement would have finished (PostgreSQL 14+).
    '-c client_connection_check_interval=2000',
    ...(config.DATABASE_ROLE ? [`-c role=${config.DATABASE_ROLE}`] : []),
  ].join(' ');
}

/** Options shared by the app (TypeOrmModule) and the TypeORM CLI. Never synchronises the schema. */
export function databaseOptions(
  config: DatabaseConfig,
  applicationName = 'lantern',
): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
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
      options: connectionOptions(config),
    },
  };
}

// dist/src/database -> dist
const distRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** The DataSource the TypeORM CLI runs on (compiled: `typeorm migration:run -d dist/src/database/data-source.js`). */
export default new DataSource({
  // Migrations run as the login role (the owner), never as the restricted application role.
  ...databaseOptions({ ...loadConfigOrExit(DatabaseConfig), DATABASE_ROLE: '' }, 'lantern-migrations'),
  entities: [join(distRoot, 'src', '**', '*.entity.js')],
  migrations: [join(distRoot, 'migrations', '*.js')],
  migrationsTableName: 'migrations',
  migrationsTransactionMode: 'each',
});
