import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type pg from 'pg';

/**
 * The database's logic in one visible place: every SQL function and trigger of the schema has its current
 * definition in a `src/modules/<module>/sql/*.sql` file of the module whose tables it maintains, written as
 * PostgreSQL prints it (`pg_get_functiondef`, `pg_get_triggerdef`). The `database definitions` test compares
 * the files with a freshly migrated database; `npm run db:definitions` writes the migration that applies
 * changed files (docs/architecture.md, "Changing a database function"). Used by that test and that script
 * only.
 */
export type DefinitionKind = 'function' | 'trigger';

export interface Definition {
  kind: DefinitionKind;
  /** `public.name(arguments)` for a function, `name ON public.table` for a trigger. */
  key: string;
  /** The statement as written (file) or printed by PostgreSQL (database), without a final `;`. */
  text: string;
}

export interface FileDefinition extends Definition {
  /** Relative to the repository's root. */
  file: string;
}

export interface DatabaseDefinition extends Definition {
  /** What `DROP FUNCTION` / `DROP TRIGGER` needs: `public.name(identity arguments)`, `name ON public.table`. */
  dropTarget: string;
}

/** Where the files live, relative to the repository's root. */
export const DEFINITIONS_DIR = 'src/modules';

/** Every statement of every `src/modules/*\/sql/*.sql` file under `root`, in file order. */
export function readDefinitionFiles(root: string): FileDefinition[] {
  const modules = join(root, DEFINITIONS_DIR);
  return readdirSync(modules, { withFileTypes: true })
    .filter((m) => m.isDirectory())
    .flatMap((m) => {
      const dir = join(modules, m.name, 'sql');
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.sql'));
      } catch {
        return [];
      }
      return names.sort().flatMap((name) => {
        const file = relative(root, join(dir, name));
        return splitStatements(readFileSync(join(dir, name), 'utf8')).map((text) => ({
          ...definitionOf(text, file),
          file,
        }));
      });
    });
}

/** The functions of schema public (not an extension's) and the triggers users made, as PostgreSQL prints them. */
export async function readDatabaseDefinitions(db: pg.ClientBase | pg.Pool): Promise<DatabaseDefinition[]> {
  const functions = await db.query<{ text: string; drop_target: string }>(
    `SELECT pg_get_functiondef(p.oid) AS text,
            format('public.%I(%s)', p.proname, pg_get_function_identity_arguments(p.oid)) AS drop_target
       FROM pg_proc p
      WHERE p.pronamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
      ORDER BY p.proname, p.oid`,
  );
  const triggers = await db.query<{ text: string; drop_target: string }>(
    `SELECT pg_get_triggerdef(t.oid) AS text, format('%I ON %s', t.tgname, t.tgrelid::regclass) AS drop_target
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
      ORDER BY c.relname, t.tgname`,
  );
  return [...functions.rows, ...triggers.rows].map((r) => ({
    ...definitionOf(r.text.replace(/\s+$/, ''), 'the database'),
    dropTarget: r.drop_target,
  }));
}

/**
 * The text compared: every line trimmed, blank lines dropped (so a file may indent a body as it reads
 * best); a trigger's whole text on one line with single spaces (so a file may break it over lines).
 */
export function normalised(d: Pick<Definition, 'kind' | 'text'>): string {
  if (d.kind === 'trigger') return d.text.replace(/\s+/g, ' ').trim();
  return d.text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

export interface Comparison {
  /** In a file, not in the database: a new file waiting for its migration, or an object a migration dropped. */
  onlyInFiles: FileDefinition[];
  /** In the database, in no file. */
  onlyInDatabase: DatabaseDefinition[];
  /** In both, with different text. */
  changed: { file: FileDefinition; database: DatabaseDefinition }[];
  /** Keys written in more than one place of the files. */
  duplicated: FileDefinition[];
}

export function compareDefinitions(files: FileDefinition[], database: DatabaseDefinition[]): Comparison {
  const id = (d: Definition): string => `${d.kind} ${d.key}`;
  const inDatabase = new Map(database.map((d) => [id(d), d]));
  const seen = new Set<string>();
  const comparison: Comparison = { onlyInFiles: [], onlyInDatabase: [], changed: [], duplicated: [] };
  for (const file of files) {
    if (seen.has(id(file))) comparison.duplicated.push(file);
    seen.add(id(file));
    const db = inDatabase.get(id(file));
    if (!db) comparison.onlyInFiles.push(file);
    else if (normalised(db) !== normalised(file)) comparison.changed.push({ file, database: db });
  }
  comparison.onlyInDatabase = database.filter((d) => !seen.has(id(d)));
  return comparison;
}

/** The first line where two definitions differ, for a message a person can act on. */
export function firstDifference(a: Definition, b: Definition): string {
  const left = normalised(a).split('\n');
  const right = normalised(b).split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) {
      return `line ${i + 1}:\n  file:     ${left[i] ?? '(nothing)'}\n  database: ${right[i] ?? '(nothing)'}`;
    }
  }
  return 'no difference';
}

function definitionOf(text: string, where: string): Definition {
  const fn = /^CREATE OR REPLACE FUNCTION\s+(.+\))\s*$/.exec(text.split('\n')[0]);
  if (fn) return { kind: 'function', key: fn[1].replace(/\s+/g, ' '), text };
  const trigger = /^CREATE\s+(?:CONSTRAINT\s+)?TRIGGER\s+(\S+)\s[\s\S]*?\sON\s+(\S+)\s/.exec(text);
  if (trigger) return { kind: 'trigger', key: `${trigger[1]} ON ${trigger[2]}`, text };
  throw new Error(
    `${where}: expected CREATE OR REPLACE FUNCTION public.name(...) (its first line as pg_get_functiondef prints it) or CREATE TRIGGER, found: ${text.slice(0, 80)}`,
  );
}

/**
 * The statements of an SQL file, without comments outside them and without their final `;`: quotes,
 * quoted identifiers and dollar-quoted bodies are kept whole, whatever they hold.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const flush = (): void => {
    if (current.trim() !== '') statements.push(current.trim());
    current = '';
  };
  const dollarTag = /\$([A-Za-z_][A-Za-z_0-9]*)?\$/y;
  while (i < sql.length) {
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    dollarTag.lastIndex = i;
    const dollar = dollarTag.exec(sql)?.[0];
    const quote = sql[i] === "'" || sql[i] === '"' ? sql[i] : undefined;
    const close = dollar ?? quote;
    if (close) {
      let end = sql.indexOf(close, i + close.length);
      // '' and "" inside a quote are the quote character itself
      while (quote && end >= 0 && sql[end + 1] === quote) end = sql.indexOf(close, end + 2);
      const stop = end < 0 ? sql.length : end + close.length;
      current += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (sql[i] === ';') flush();
    else current += sql[i];
    i++;
  }
  flush();
  return statements;
}
