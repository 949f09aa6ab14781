import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { ENUM_TYPES } from '../database/enum-types.js';

/**
 * `npm run db:types`: regenerates `src/database/db.ts`, the database's types for Kysely, from a freshly migrated
 * scratch database (so what is generated is the migrations' schema, not a local database's drift). The test
 * `contracts` runs the same generator with `--verify` and fails when the committed file is out of date.
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** kysely-codegen's arguments, shared by the script and the drift test. */
export function dbTypesArgs(databaseUrl: string): string[] {
  return [
    'node_modules/kysely-codegen/dist/cli/bin.js',
    '--dialect=postgres',
    `--url=${databaseUrl}`,
    '--out-file=src/database/db.ts',
    '--exclude-pattern=migrations',
    '--log-level=error',
    `--type-mapping=${JSON.stringify(Object.fromEntries(Object.entries(ENUM_TYPES).map(([pgType, [name]]) => [pgType, name])))}`,
    `--custom-imports=${JSON.stringify(Object.fromEntries(Object.values(ENUM_TYPES).map(([name, module]) => [name, `${module}#${name}`])))}`,
  ];
}

async function main(): Promise<void> {
  const admin = process.env.DATABASE_OWNER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `lantern_db_types_${randomBytes(4).toString('hex')}`;
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const appUrl = new URL(url);
  appUrl.username = 'lantern_app';
  appUrl.password = '';
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
    try {
      await run(process.execPath, ['dist/src/scripts/migrate.js'], {
        cwd: root,
        env: { ...process.env, DATABASE_OWNER_URL: url.toString(), DATABASE_URL: appUrl.toString() },
      });
      await run(process.execPath, dbTypesArgs(url.toString()), { cwd: root });
      process.stdout.write('src/database/db.ts regenerated from the migrated schema\n');
    } finally {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
