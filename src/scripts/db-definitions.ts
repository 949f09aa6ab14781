import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import {
  type Comparison,
  compareDefinitions,
  type Definition,
  firstDifference,
  readDatabaseDefinitions,
  readDefinitionFiles,
} from '../database/definitions.js';
import { root, withMigratedScratchDatabase } from './scratch-database.js';

/**
 * `npm run db:definitions -- <MigrationName>`: compares the `src/modules/*\/sql/*.sql` files with a freshly
 * migrated scratch database and writes `migrations/<timestamp>-<MigrationName>.ts`, which applies the files'
 * current text of every function and trigger that changed, is new or is gone (and restores the old text on
 * revert). The migration holds a copy of the text: migrations stay frozen history, the files move on.
 * `--check` only lists the differences (exit 1 when there are some). Run `npm run build:api` first: the
 * scratch database is migrated by the compiled migrations.
 */
export function migrationFor(name: string, timestamp: number, c: Comparison): string {
  const changedFunctions = c.changed.filter((x) => x.file.kind === 'function');
  const changedTriggers = c.changed.filter((x) => x.file.kind === 'trigger');
  const of = (kind: Definition['kind']) => (d: Definition) => d.kind === kind;
  const newFunctions = c.onlyInFiles.filter(of('function'));
  const newTriggers = c.onlyInFiles.filter(of('trigger'));
  const goneFunctions = c.onlyInDatabase.filter(of('function'));
  const goneTriggers = c.onlyInDatabase.filter(of('trigger'));
  const up = [
    ...[...changedTriggers.map((x) => x.database), ...goneTriggers].map(
      (d) => `DROP TRIGGER ${d.dropTarget}`,
    ),
    ...goneFunctions.map((d) => `DROP FUNCTION ${d.dropTarget}`),
    ...[...changedFunctions.map((x) => x.file), ...newFunctions].map((f) => f.text),
    ...[...changedTriggers.map((x) => x.file), ...newTriggers].map((f) => f.text),
  ];
  const down = [
    ...[...changedTriggers.map((x) => x.database), ...newTriggers].map((d) => `DROP TRIGGER ${d.key}`),
    ...newFunctions.map((f) => `DROP FUNCTION ${f.key}`),
    ...[...changedFunctions.map((x) => x.database), ...goneFunctions].map((d) => d.text),
    ...[...changedTriggers.map((x) => x.database), ...goneTriggers].map((d) => d.text),
  ];
  const files = [...new Set([...c.changed.map((x) => x.file.file), ...c.onlyInFiles.map((f) => f.file)])];
  const gone = c.onlyInDatabase.map((d) => `${d.kind} ${d.key}`);
  const literal = (text: string): string =>
    '`' + text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
  const calls = (statements: string[]): string =>
    statements.map((s) => `    await q.query(${literal(s)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Applies the database definitions of ${files.length ? files.join(', ') : 'no file'}${gone.length ? `; drops ${gone.join(', ')}` : ''}
 * as they were when this migration was written (\`npm run db:definitions\`): the files are the current text,
 * this is history. TODO: say why they changed.
 */
export class ${name}${timestamp} implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
${calls(up)}
  }

  public async down(q: QueryRunner): Promise<void> {
${calls(down)}
  }
}
`;
}

function differencesOf(c: Comparison): string[] {
  return [
    ...c.changed.map((x) => `changed: ${x.file.file}: ${x.file.key}, ${firstDifference(x.file, x.database)}`),
    ...c.onlyInFiles.map((f) => `new:     ${f.file}: ${f.kind} ${f.key}`),
    ...c.onlyInDatabase.map((d) => `gone:    ${d.kind} ${d.key} (in the database, in no sql/ file)`),
    ...c.duplicated.map((f) => `twice:   ${f.file}: ${f.kind} ${f.key}`),
  ];
}

async function main(args: string[]): Promise<number> {
  const check = args.includes('--check');
  const name = args.find((a) => !a.startsWith('--'));
  if (!check && !/^[A-Z][A-Za-z0-9]*$/.test(name ?? '')) {
    process.stderr.write('usage: npm run db:definitions -- <MigrationName in PascalCase> | --check\n');
    return 2;
  }
  const comparison = await withMigratedScratchDatabase('lantern_db_definitions', async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return compareDefinitions(readDefinitionFiles(root), await readDatabaseDefinitions(client));
    } finally {
      await client.end();
    }
  });
  const differences = differencesOf(comparison);
  process.stdout.write(differences.map((d) => `${d}\n`).join(''));
  if (comparison.duplicated.length) {
    process.stderr.write('an object is written in more than one sql/ file: keep one\n');
    return 1;
  }
  if (check || !name) return differences.length ? 1 : 0;
  if (!differences.length) {
    process.stdout.write('the sql/ files and the migrations agree: no migration written\n');
    return 0;
  }
  const timestamp = Date.now();
  const path = join('migrations', `${timestamp}-${name}.ts`);
  let text = migrationFor(name, timestamp, comparison);
  try {
    const prettier = await import('prettier');
    text = await prettier.format(text, {
      ...(await prettier.resolveConfig(join(root, path))),
      filepath: path,
    });
  } catch {
    // prettier is a development dependency: without it the file is written as generated
  }
  writeFileSync(join(root, path), text);
  process.stdout.write(
    `wrote ${path}: say why in its comment, then npm run build:api && npm run migration:run\n`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
