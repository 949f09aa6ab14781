import {
  type Compilable,
  type CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  sql,
} from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { type EntityManager, QueryFailedError } from 'typeorm';
import type { DB } from './db.js';

/**
 * Typed SQL (ADR 0001): queries are built with Kysely against `DB`, the types generated from the migrated schema
 * (`npm run db:types`, drift-checked by test/database-types.e2e-spec.ts), so a renamed or retyped column fails
 * `npm run typecheck`. This instance only builds and compiles: it never connects. Every query runs on the
 * connection of the current unit of work (`Transactions.write`/`read`), so there is one pool and one
 * transaction per change, and TypeORM keeps the data source and the migrations.
 */
export const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** A query built with `db` (or a `sql` template), or one already compiled. */
export type Query<R> = Compilable<R> | CompiledQuery<R>;

const compiled = <R>(query: Query<R>): CompiledQuery<R> => ('compile' in query ? query.compile() : query);

/** One typed placeholder (`$1`, `$2`, …) per value of a `fixedStatement`. */
export type Placeholders<V> = { readonly [K in keyof V]-?: RawBuilder<V[K]> };

/**
 * A statement whose text never varies, compiled once: `build` writes it with placeholders for its values
 * (numbered in the order it first uses them), and each call binds its own values in that order. Building and
 * compiling a query is a measurable part of a write's time (docs/benchmarks.md, the intelligence write), and a
 * statement run prepared (`Transactions.write`) has a fixed text anyway. For statements whose shape does not
 * depend on their values: no `IN` list, no branch on a value. A query that carries a value of its own
 * (Kysely would number it among the placeholders) is refused when it is first built.
 */
export function fixedStatement<V, R>(
  build: (p: Placeholders<V>) => Compilable<R>,
): (values: V) => CompiledQuery<R> {
  let text: CompiledQuery<R> | undefined;
  const order: (keyof V)[] = [];
  return (values) => {
    if (!text) {
      const made = new Map<PropertyKey, RawBuilder<unknown>>();
      const placeholders = new Proxy({} as Placeholders<V>, {
        get: (_target, key) => {
          let placeholder = made.get(key);
          if (!placeholder) {
            order.push(key as keyof V);
            placeholder = sql.raw(`$${order.length}`);
            made.set(key, placeholder);
          }
          return placeholder;
        },
      });
      const built = build(placeholders).compile();
      if (built.parameters.length > 0) {
        throw new Error('fixedStatement: the query carries values of its own; give each as a placeholder');
      }
      text = built;
    }
    return { ...text, parameters: order.map((key) => values[key]) };
  };
}

/** What one statement answered: its rows (typed by the query) and the rows it changed. */
export interface Result<R> {
  rows: R[];
  count: number;
}

/**
 * Runs a query on `tx`'s connection. TypeORM's structured result gives the rows and the affected count the same
 * way for every command. The rows are what the query's types say: pg's own parsing (timestamptz and date as
 * Date, bigint and numeric as string) is what kysely-codegen's defaults describe.
 */
export async function execute<R>(tx: EntityManager, query: Query<R>): Promise<Result<R>> {
  const { sql, parameters } = compiled(query);
  const runner = tx.queryRunner ?? tx.connection.createQueryRunner();
  try {
    const result: { records?: R[]; affected?: number | null } = await runner.query(
      sql,
      [...parameters],
      true,
    );
    const rows = result.records ?? [];
    return { rows, count: result.affected ?? rows.length };
  } finally {
    if (!tx.queryRunner) await runner.release();
  }
}

/** Every row the query answers. */
export async function all<R>(tx: EntityManager, query: Query<R>): Promise<R[]> {
  return (await execute(tx, query)).rows;
}

/** The first row, or undefined when there is none. */
export async function first<R>(tx: EntityManager, query: Query<R>): Promise<R | undefined> {
  return (await execute(tx, query)).rows[0];
}

/** The one row a query must answer (an INSERT … RETURNING, an aggregate): none is a bug, not a 404. */
export async function one<R>(tx: EntityManager, query: Query<R>): Promise<R> {
  const row = (await execute(tx, query)).rows[0];
  if (row === undefined) throw new Error(`expected a row from: ${compiled(query).sql.slice(0, 120)}`);
  return row;
}

/** PostgreSQL's protocol counts a statement's bind parameters in 16 bits: no statement may carry more. */
export const MAX_BIND_PARAMETERS = 65_535;

/**
 * A multi-row write whose size follows the force's data rather than one request (the worker's reminders, outbox
 * messages): `build` makes the statement for a slice of `rows`, run once per slice, each slice as large as the
 * bind-parameter limit allows, on `tx`'s connection (so still one transaction); every slice's rows, in order.
 * The parameters a row takes are read from the statement itself, so a new column cannot break the arithmetic.
 */
export async function allInSlices<T, R>(
  tx: EntityManager,
  rows: readonly T[],
  build: (slice: readonly T[]) => Query<R>,
): Promise<R[]> {
  if (rows.length === 0) return [];
  const withOne = compiled(build(rows.slice(0, 1))).parameters.length;
  const perRow = rows.length > 1 ? compiled(build(rows.slice(0, 2))).parameters.length - withOne : withOne;
  const size = Math.max(1, Math.floor((MAX_BIND_PARAMETERS - (withOne - perRow)) / Math.max(1, perRow)));
  const answered: R[] = [];
  for (let start = 0; start < rows.length; start += size) {
    answered.push(...(await all(tx, build(rows.slice(start, start + size)))));
  }
  return answered;
}

/** How many rows the statement changed (UPDATE, DELETE, INSERT). */
export async function affected(tx: EntityManager, query: Query<unknown>): Promise<number> {
  return (await execute(tx, query)).count;
}

/**
 * `sql` run as a named (prepared) statement on `client`: named by a hash of its text, each pooled connection
 * parses and plans it once (PostgreSQL may then keep a generic plan), and afterwards only binds and runs it. So
 * its text must be one of a fixed set, its values all parameters (`= ANY($1)`, not an `IN` list as long as the
 * values). Errors are TypeORM's QueryFailedError, as from every path.
 */
export async function runNamed<R>(client: pg.ClientBase, sql: string, params: unknown[]): Promise<R[]> {
  const name = `lantern_${createHash('sha1').update(sql).digest('hex')}`;
  try {
    const { rows } = await client.query<R & pg.QueryResultRow>({ name, text: sql, values: params });
    return rows;
  } catch (error) {
    throw error instanceof pg.DatabaseError ? new QueryFailedError(sql, params, error) : error;
  }
}

/**
 * Every row the query answers, the query prepared on `tx`'s connection (`runNamed`): for the hot reads of a
 * page whose planning would cost more than running them (the intelligence queue, the names on its items).
 */
export async function allPrepared<R>(tx: EntityManager, query: Query<R>): Promise<R[]> {
  if (!tx.queryRunner) throw new Error('a prepared statement runs on a connection of Transactions');
  const { sql, parameters } = compiled(query);
  return runNamed<R>((await tx.queryRunner.connect()) as pg.ClientBase, sql, [...parameters]);
}
