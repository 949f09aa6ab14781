import { type Compilable, type RawBuilder, type SelectQueryBuilder, sql, type SqlBool } from 'kysely';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, type Page, type PageQuery } from '../../common/pagination.js';
import { problems } from '../../common/problem.js';
import { all } from '../../database/sql.js';

/**
 * Keyset pagination for Kysely queries, as `paginate` (common/pagination.ts) does for TypeORM's: the page's
 * sort key travels in the cursor as PostgreSQL text (timestamps keep their microseconds), compared as one row
 * value so that one index serves the order.
 */
export interface Keyset {
  columns: { expr: RawBuilder<unknown>; type: 'int' | 'timestamptz' | 'uuid' }[];
  direction: 'asc' | 'desc';
}

/** `query` limited to the page after the cursor, in the keyset's order, with the key as `page_key`. */
export function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  keyset: Keyset,
  page: PageQuery,
) {
  const { columns, direction } = keyset;
  let keyed = query.select(
    sql<string[]>`ARRAY[${sql.join(columns.map((c) => sql`(${c.expr})::text`))}]`.as('page_key'),
  );
  if (page.cursor) {
    const values = decodeCursor(page.cursor, columns.length);
    keyed = keyed.where(
      sql<SqlBool>`(${sql.join(columns.map((c) => c.expr))}) ${sql.raw(direction === 'asc' ? '>' : '<')} (${sql.join(
        values.map((v, i) => sql`CAST(${v} AS ${sql.raw(columns[i].type)})`),
      )})`,
    );
  }
  for (const c of columns) keyed = keyed.orderBy(c.expr, direction);
  return keyed.limit(page.limit + 1);
}

/** Runs a `keysetPage` query: the page's rows, mapped, and the cursor of the next page (null on the last). */
export async function pageOf<R extends { page_key: string[] }, T>(
  tx: EntityManager,
  query: Compilable<R>,
  page: PageQuery,
  map: (row: R) => T,
): Promise<Page<T>> {
  let rows: R[];
  try {
    rows = await all(tx, query);
  } catch (error) {
    // A forged cursor with a malformed value (e.g. not a timestamp) is the caller's mistake.
    const code: unknown = error instanceof QueryFailedError ? Reflect.get(error.driverError, 'code') : null;
    if (typeof code === 'string' && code.startsWith('22')) {
      throw problems.invalid('cursor', 'isCursor', 'cursor is not a cursor this list issued');
    }
    throw error;
  }
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), nextCursor: more && last ? encodeCursor(last.page_key) : null };
}
