import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import type pg from 'pg';
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

/** The COPY statement `copyCsv` runs: `select`'s rows as CSV with its column names as the header row. */
export const copyCsvSql = (select: string): string => `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER)`;

/**
 * Runs `select` as `COPY … TO STDOUT` on the transaction's own connection and gathers the CSV PostgreSQL
 * writes, as bytes: nothing is parsed into rows. The whole table is held in memory (send it after the
 * commit, so a slow client never holds the transaction open). `rows` is the COPY's row count.
 */
export async function copyCsv(
  manager: EntityManager,
  select: string,
): Promise<{ body: Buffer; rows: number }> {
  if (!manager.queryRunner) throw new Error('copyCsv runs inside a transaction (Transactions.run)');
  const client = (await manager.queryRunner.connect()) as pg.ClientBase;
  const stream = client.query(copyStreams.to(copyCsvSql(select)));
  const body = await readAll(stream);
  return { body, rows: stream.rowCount };
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
