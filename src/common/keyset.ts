import { type RawBuilder, sql, type SqlBool } from 'kysely';
import { QueryFailedError } from 'typeorm';
import { decodeCursor, encodeCursor, type Keyset, type Page, type PageQuery } from './pagination.js';
import { problems } from './problem.js';

/** The parts a Kysely list query takes from a keyset and the page asked for (see `paginate`). */
export interface KeysetParts {
  /** The rows after the cursor's key (TRUE on the first page). */
  after: RawBuilder<SqlBool>;
  /** The keyset's ORDER BY. */
  orderBy: RawBuilder<unknown>;
  /** The row's key as text (microseconds kept), to select as `page_key`. */
  key: RawBuilder<string[]>;
  /** One more than the page: a row beyond it says there is a next page. */
  limit: number;
}

/** The keyset's clauses for a Kysely query. The key expressions are the module's own trusted SQL. */
export function keysetParts(keyset: Keyset, page: PageQuery): KeysetParts {
  const { columns, direction } = keyset;
  const exprs = columns.map((c) => sql.raw(c.expr));
  let after = sql<SqlBool>`TRUE`;
  if (page.cursor) {
    const values = decodeCursor(page.cursor, columns.length);
    const right = sql.join(values.map((v, i) => sql`CAST(${v} AS ${sql.raw(columns[i].type)})`));
    after = sql<SqlBool>`(${sql.join(exprs)}) ${sql.raw(direction === 'ASC' ? '>' : '<')} (${right})`;
  }
  return {
    after,
    orderBy: sql`${sql.join(exprs.map((e) => sql`${e} ${sql.raw(direction)}`))}`,
    key: sql<string[]>`ARRAY[${sql.join(exprs.map((e) => sql`(${e})::text`))}]`,
    limit: page.limit + 1,
  };
}

/** The page of `rows` (fetched with `keysetParts`' clauses): the first `limit` mapped, and the next cursor. */
export async function keysetPage<R extends { page_key: string[] }, T>(
  page: PageQuery,
  rows: () => Promise<R[]>,
  map: (row: R) => T,
): Promise<Page<T>> {
  let fetched: R[];
  try {
    fetched = await rows();
  } catch (error) {
    // A forged cursor with a malformed value (e.g. not a timestamp) is the caller's mistake.
    const driverError: unknown = error instanceof QueryFailedError ? error.driverError : undefined;
    const code = driverError instanceof Error && 'code' in driverError ? driverError.code : undefined;
    if (typeof code === 'string' && code.startsWith('22')) {
      throw problems.invalid('cursor', 'isCursor', 'cursor is not a cursor this list issued');
    }
    throw error;
  }
  const more = fetched.length > page.limit;
  const shown = more ? fetched.slice(0, page.limit) : fetched;
  const last = shown[shown.length - 1];
  return { items: shown.map(map), nextCursor: more && last ? encodeCursor(last.page_key) : null };
}
