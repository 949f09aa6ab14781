import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ENUM_TYPES } from '../database/enum-types.js';
import { root, withMigratedScratchDatabase } from './scratch-database.js';

/**
 * `npm run db:types`: regenerates `src/database/db.ts`, the database's types for Kysely, from a freshly migrated
 * scratch database (so what is generated is the migrations' schema, not a local database's drift). The test
 * `contracts` runs the same generator with `--verify` and fails when the committed file is out of date.
 */
const run = promisify(execFile);

/**
 * Columns a BEFORE INSERT trigger derives (src/modules/cases/sql/): generated as optional on insert, so code
 * never passes a value the trigger would overwrite.
 */
const TRIGGER_DERIVED_COLUMNS: Record<string, string> = {
  'case_record.next_update_due': 'Generated<Timestamp>',
  'case_record.pcc_report_due': 'Generated<Timestamp>',
  'case_record.recorded_financial_year': 'Generated<number>',
  'case_subject_outcome.recorded_financial_year': 'Generated<number>',
};

/** kysely-codegen's arguments, shared by the script and the drift test. */
export function dbTypesArgs(databaseUrl: string): string[] {
  return [
    'node_modules/kysely-codegen/dist/cli/bin.js',
    '--dialect=postgres',
    `--url=${databaseUrl}`,
    '--out-file=src/database/db.ts',
    '--exclude-pattern=migrations',
    '--log-level=error',
    `--overrides=${JSON.stringify({ columns: TRIGGER_DERIVED_COLUMNS })}`,
    `--type-mapping=${JSON.stringify(Object.fromEntries(Object.entries(ENUM_TYPES).map(([pgType, [name]]) => [pgType, name])))}`,
    `--custom-imports=${JSON.stringify(Object.fromEntries(Object.values(ENUM_TYPES).map(([name, module]) => [name, `${module}#${name}`])))}`,
  ];
}

async function main(): Promise<void> {
  await withMigratedScratchDatabase('lantern_db_types', async (url) => {
    await run(process.execPath, dbTypesArgs(url), { cwd: root });
  });
  process.stdout.write('src/database/db.ts regenerated from the migrated schema\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
