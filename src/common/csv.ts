import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/**
 * The one CSV format: header row from the column list, RFC 4180 quoting (a cell is quoted when it holds a
 * comma, a quote or a line break), `\n` after every row, UTF-8. Written in Node by `toCsv`, or by
 * PostgreSQL with `copyCsv` for a large table that need not pass through Node's objects: both give the
 * same bytes for cells written with `csvCell`.
 */
export function toCsv<T extends object>(columns: (keyof T)[], rows: T[]): string {
  return stringify(
    rows.map((row) => columns.map((c) => formatCell(row[c]))),
    { header: true, columns: columns.map(String) },
  );
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(formatCell).join(';');
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/**
 * A cell for `copyCsv` written as `toCsv` writes the value node-postgres reads from the same expression,
 * for text, integer and boolean expressions (`true`/`false`; null as an empty cell). PostgreSQL's CSV
 * quotes an empty string (`""`) to tell it from null, where `toCsv` writes neither, hence the NULLIF.
 * Other types (timestamps, numerics, arrays) print differently: convert them to text in the query first.
 */
export const csvCell = (expr: string): string => `NULLIF((${expr})::text, '')`;

/**
 * A statement with its parameters written in as literals, for COPY, which takes none (`$n` in `text` is
 * `values[n - 1]`): integers, booleans, null, strings (escaped by node-postgres' `escapeLiteral`), arrays of
 * strings (`ARRAY['a', 'b']`, an empty one `'{}'`) and plain objects (their JSON as a string); anything else
 * is refused. Arrays and objects need the cast the statement's parameter would have had (`::text[]`,
 * `::jsonb`). Use it only with values already validated (codes, UUIDs, years) or made by Lantern itself.
 */
export function withLiterals(text: string, values: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i >= values.length) throw new Error(`withLiterals: no value for $${n}`);
    const literal = literalOf(values[i]);
    if (literal === undefined) throw new Error(`withLiterals: unsupported value for $${n}`);
    return literal;
  });
}

function literalOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string')) return undefined;
    return value.length === 0 ? `'{}'` : `ARRAY[${value.map((v) => pg.escapeLiteral(v)).join(', ')}]`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return pg.escapeLiteral(JSON.stringify(value));
  }
  return undefined;
}

/** The COPY statement `copyCsv` runs: `select`'s rows as CSV with its column names as the header row. */
export const copyCsvSql = (select: string): string => `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER)`;

/**
 * Runs `select` as `COPY … TO STDOUT` on the manager's own connection and gathers the CSV PostgreSQL
 * writes, as bytes: nothing is parsed into rows. The whole table is held in memory (send it after the
 * statement has committed, so a slow client never holds a connection).
 */
export async function copyCsv(manager: EntityManager, select: string): Promise<Buffer> {
  if (!manager.queryRunner) throw new Error('copyCsv runs on a connection of Transactions (run or read)');
  const client = (await manager.queryRunner.connect()) as pg.ClientBase;
  return readAll(client.query(copyStreams.to(copyCsvSql(select))));
}

/** Every chunk of a stream, concatenated (data events: a chunk per row, cheaper than `for await`). */
export function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export function sendCsv(reply: FastifyReply, filename: string, body: string | Buffer): void {
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(body);
}
