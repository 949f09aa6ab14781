import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
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

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string')) {
      return values;
    }
  } catch {
    // fall through to the 400
  }
  throw problems.invalid('cursor', 'isCursor', 'cursor is not a cursor this list issued');
}

/**
 * Keyset pagination, the one way lists page: fetch limit + 1 rows after the cursor's key and return the
 * next cursor when there are more. Key values travel as PostgreSQL text, so timestamps keep microseconds.
 */
export async function paginate<E extends ObjectLiteral, R>(
  qb: SelectQueryBuilder<E>,
  keyset: Keyset,
  page: PageQuery,
  map: (raw: Record<string, unknown>) => R,
): Promise<Page<R>> {
  const { columns, direction } = keyset;
  columns.forEach((c, i) => qb.addSelect(`(${c.expr})::text`, `__k${i}`));
  if (page.cursor) {
    const values = decodeCursor(page.cursor, columns.length);
    const left = columns.map((c) => c.expr).join(', ');
    const right = columns.map((c, i) => `CAST(:__c${i} AS ${c.type})`).join(', ');
    qb.andWhere(
      `(${left}) ${direction === 'ASC' ? '>' : '<'} (${right})`,
      Object.fromEntries(values.map((v, i) => [`__c${i}`, v])),
    );
  }
  columns.forEach((c, i) => (i === 0 ? qb.orderBy(c.expr, direction) : qb.addOrderBy(c.expr, direction)));
  qb.limit(page.limit + 1);
  let raws: Record<string, unknown>[];
  try {
    raws = await qb.getRawMany<Record<string, unknown>>();
  } catch (error) {
    // A forged cursor with a malformed value (e.g. not a timestamp) is the caller's mistake.
    if ((error as { driverError?: { code?: string } }).driverError?.code?.startsWith('22')) {
      throw problems.invalid('cursor', 'isCursor', 'cursor is not a cursor this list issued');
    }
    throw error;
  }
  const more = raws.length > page.limit;
  const rows = more ? raws.slice(0, page.limit) : raws;
  const last = rows[rows.length - 1];
  return {
    items: rows.map(map),
    nextCursor: more && last ? encodeCursor(columns.map((_, i) => String(last[`__k${i}`]))) : null,
  };
}
