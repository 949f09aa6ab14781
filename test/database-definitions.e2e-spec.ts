import {
  compareDefinitions,
  firstDifference,
  readDatabaseDefinitions,
  readDefinitionFiles,
} from '../src/database/definitions.js';
import { cloneDatabase } from './helpers/app.js';

const HOW_TO_FIX =
  'A changed sql/ file is applied by a migration: `npm run db:definitions -- <MigrationName>` writes it ' +
  '(docs/architecture.md, "Changing a database function"). A migration that changed a function or trigger ' +
  'by hand: copy its new definition, as pg_get_functiondef / pg_get_triggerdef print it, into the sql/ file.';

/**
 * Every SQL function and trigger of the migrated schema has its current definition in a `sql/` file of its
 * module (src/database/definitions.ts), and every file's statement is in the database, with the same text
 * (indentation and blank lines aside).
 */
describe('database definitions', () => {
  it('has every function and trigger of the migrated schema in a sql/ file, with the same text', async () => {
    const db = await cloneDatabase();
    try {
      const files = readDefinitionFiles(process.cwd());
      const database = await readDatabaseDefinitions(db.pool);
      const { onlyInFiles, onlyInDatabase, changed, duplicated } = compareDefinitions(files, database);
      const problems = [
        ...changed.map(
          ({ file, database: d }) =>
            `${file.file}: the ${file.kind} ${file.key} differs from the migrated database's, ${firstDifference(file, d)}`,
        ),
        ...onlyInFiles.map(
          (f) =>
            `${f.file}: the ${f.kind} ${f.key} is not in the migrated database (no migration creates it)`,
        ),
        ...onlyInDatabase.map(
          (d) =>
            `the ${d.kind} ${d.key} of the migrated database is in no src/modules/*/sql/ file: add it to the file of the module whose tables it maintains`,
        ),
        ...duplicated.map((f) => `${f.file}: the ${f.kind} ${f.key} is written in more than one place`),
      ];
      expect(problems.length === 0 ? 'in agreement' : `${problems.join('\n\n')}\n\n${HOW_TO_FIX}`).toBe(
        'in agreement',
      );
      // Not an empty comparison: the schema's logic was read from both sides.
      expect([files.length > 0, database.length > 0]).toEqual([true, true]);
    } finally {
      await db.drop();
    }
  });

  it('has every file apply as it stands, as the migration db:definitions writes would', async () => {
    const db = await cloneDatabase();
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const files = readDefinitionFiles(process.cwd());
      for (const f of files.filter((d) => d.kind === 'function')) await client.query(f.text);
      for (const f of files.filter((d) => d.kind === 'trigger')) {
        await client.query(`DROP TRIGGER ${f.key}`);
        await client.query(f.text);
      }
      const { onlyInFiles, onlyInDatabase, changed } = compareDefinitions(
        files,
        await readDatabaseDefinitions(client),
      );
      expect([onlyInFiles, onlyInDatabase, changed]).toEqual([[], [], []]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
      await db.drop();
    }
  });
});
