import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { type SelectQueryBuilder as KyselySelect, sql, type SqlBool } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, allPrepared } from '../database/sql.js';
import { problems } from './problem.js';
import { Int4 } from './dto.js';

export const MAX_PAGE_SIZE = 200;

/** `?limit=&cursor=` on every list. Extend it with the list's filters. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @Int4(1, MAX_PAGE_SIZE)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page’s nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}

export class PageMeta {
  @ApiProperty({
    example: 'eyJrIjoiMjAyNi0wNi0wMVQwOToxNTowMC4wMDBaIiwiaSI6IjNmNmMxZTlhIn0',
    nullable: true,
    type: String,
    description: 'Pass as ?cursor= for the next page; null on the last',
  })
  nextCursor: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One column of a list's sort key: an SQL expression and the type to compare it as. */
export interface KeyColumn {
  expr: string;
  type: 'timestamptz' | 'uuid' | 'bigint' | 'int' | 'text' | 'date';
}

export interface Keyset {
  columns: KeyColumn[];
  /** All key columns sort the same way, so that one row comparison finds the page (and one index serves it). */
  direction: 'ASC' | 'DESC';
}

export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

const badCursor = () => problems.invalid('cursor', 'isCursor', 'cursor is not a cursor this list issued');

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string')) {
      return values;
    }
  } catch {
    // fall through to the 400
  }
  throw badCursor();
}

/** A forged cursor with a malformed value (e.g. not a timestamp) is the caller's mistake: 400, not 500. */
async function fetchOr400<T>(fetch: () => Promise<T>): Promise<T> {
  try {
    return await fetch();
  } catch (error) {
    if ((error as { driverError?: { code?: string } }).driverError?.code?.startsWith('22')) throw badCursor();
    throw error;
  }
}

/** The page of `page.limit` rows out of the `limit + 1` fetched, and the cursor of its last row's key. */
function pageFrom<T, R>(rows: T[], limit: number, keyOf: (row: T) => string[], map: (row: T) => R): Page<R> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), nextCursor: more && last ? encodeCursor(keyOf(last)) : null };
}

/**
 * Keyset pagination, the one way lists page: fetch limit + 1 rows after the cursor's key and return the
 * next cursor when there are more. Key values travel as PostgreSQL text, so timestamps keep microseconds.
 * `query` is a typed Kysely select (its rows typed by it); the key's expressions are the keyset's trusted
 * constants. Runs on `tx`, the unit of work's connection; `prepared`, as a prepared statement (`allPrepared`:
 * planned once per connection), for a hot list whose planning costs more than its page.
 */
export async function pageOf<D, T extends keyof D, O, R>(
  tx: EntityManager,
  query: KyselySelect<D, T, O>,
  keyset: Keyset,
  page: PageQuery,
  map: (row: O) => R,
  options: { prepared?: boolean } = {},
): Promise<Page<R>> {
  const { columns, direction } = keyset;
  const exprs = columns.map((c) => sql.raw(`(${c.expr})`));
  const key = sql<string[]>`ARRAY[${sql.join(exprs.map((e) => sql`${e}::text`))}]`.as('__key');
  // The select adds exactly `__key` to the query's rows; TypeScript cannot see through Kysely's generic row type.
  let q = query.select(key).$castTo<O & { __key: string[] }>();
  if (page.cursor) {
    const values = decodeCursor(page.cursor, columns.length);
    // Prepared, each value is a one-row subquery (an InitPlan, still the index condition): the planner cannot
    // see the cursor, so a plan for one cursor costs what the generic plan costs and PostgreSQL keeps the
    // generic plan, planned once per connection. With the values visible it plans every page anew (its custom
    // plan for a deep cursor looks cheaper than the generic one).
    const right = columns.map((c, i) =>
      options.prepared
        ? sql`(SELECT CAST(${values[i]} AS ${sql.raw(c.type)}))`
        : sql`CAST(${values[i]} AS ${sql.raw(c.type)})`,
    );
    const order = sql.raw(direction === 'ASC' ? '>' : '<');
    q = q.where(sql<SqlBool>`(${sql.join(exprs)}) ${order} (${sql.join(right)})`);
  }
  for (const e of exprs) q = q.orderBy(e, direction === 'ASC' ? 'asc' : 'desc');
  // Prepared, the limit is part of the text (one of MAX_PAGE_SIZE): as a parameter the generic plan would
  // assume a tenth of the rows and cost more than a custom plan, which PostgreSQL would then keep making.
  const rows = await fetchOr400(() =>
    options.prepared ? allPrepared(tx, q.limit(sql.lit(page.limit + 1))) : all(tx, q.limit(page.limit + 1)),
  );
  return pageFrom(rows, page.limit, (row) => row.__key, map);
}
