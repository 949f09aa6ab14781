import { type SelectQueryBuilder, sql, type SqlBool } from 'kysely';
import type { EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, type Keyset, type Page, type PageQuery } from '../common/pagination.js';
import { problems } from '../common/problem.js';
import { all } from './sql.js';

/**
 * Keyset pagination (the one way lists page, `paginate`'s rules) for a Kysely query: fetch limit + 1 rows
 * after the cursor's key, in the key's order, and return the next cursor when there are more. The key travels
 * as PostgreSQL text, so timestamps keep their microseconds. The keyset's expressions are trusted constants
 * (column references of the query), never input.
 */
export async function keysetPage<DB, TB extends keyof DB, O, R>(
  tx: EntityManager,
  query: SelectQueryBuilder<DB, TB, O>,
  keyset: Keyset,
  page: PageQuery,
  map: (row: O) => R,
): Promise<Page<R>> {
  const { columns, direction } = keyset;
  const exprs = columns.map((c) => sql.raw(c.expr));
  // The key column's type, which Kysely cannot compute for a query it only knows generically.
  let qb = query
    .select(sql<string[]>`ARRAY[${sql.join(exprs.map((e) => sql`(${e})::text`))}]`.as('__key'))
    .$castTo<O & { __key: string[] }>();
  if (page.cursor) {
    const values = decodeCursor(page.cursor, columns.length);
    const right = columns.map((c, i) => sql`CAST(${values[i]} AS ${sql.raw(c.type)})`);
    qb = qb.where(
      sql<SqlBool>`(${sql.join(exprs)}) ${sql.raw(direction === 'ASC' ? '>' : '<')} (${sql.join(right)})`,
    );
  }
  for (const e of exprs) qb = qb.orderBy(sql`${e} ${sql.raw(direction)}`);
  let rows;
  try {
    rows = await all(tx, qb.limit(page.limit + 1));
  } catch (error) {
    // A forged cursor with a malformed value (e.g. not a timestamp) is the caller's mistake.
    if ((error as { driverError?: { code?: string } }).driverError?.code?.startsWith('22')) {
      throw problems.invalid('cursor', 'isCursor', 'cursor is not a cursor this list issued');
    }
    throw error;
  }
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: more && last ? encodeCursor(last.__key) : null,
  };
}
