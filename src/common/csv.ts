import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import type { CompiledQuery } from 'kysely';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { pgClientOf } from '../database/database.module.js';

/**
 * The one CSV format: header row from the column list (or `headers`, one per column, where the rows' keys
 * are not the CSV's headers: the figures' camelCase JSON keys and snake_case headers), RFC 4180 quoting (a cell is quoted when it holds a
 * comma, a quote or a line break), `\n` after every row, UTF-8, and formula cells neutralised
 * (`neutraliseFormula`). Written in Node by `toCsv`, or by PostgreSQL with `copyCsv` for a large table that
 * need not pass through Node's objects: both give the same bytes for cells written with `csvCell`.
 */
export function toCsv<T extends object>(columns: (keyof T)[], rows: T[], headers?: string[]): string {
  return stringify(
    rows.map((row) => columns.map((c) => formatCell(row[c]))),
    { header: true, columns: headers ?? columns.map(String) },
  );
}

/** The first characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage
 * return) with a single quote put before it, as OWASP advises, so that it is shown as text; other text as it
 * is. Applied to every text cell of every export (`toCsv`, `csvCell`). Numbers are not text: a number cell
 * (a JavaScript number or bigint, an int2/int4/float in SQL) such as `-5` is written as the number, which a
 * spreadsheet reads as a number and never runs. Text that looks like a number (`'-5'` from a bigint or numeric column,
 * which node-postgres gives as a string) is prefixed like any other text.
 */
export const neutraliseFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  return neutraliseFormula(formatText(value));
}

function formatText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(formatText).join(';');
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/** The SQL types node-postgres reads as JavaScript numbers. */
const SQL_NUMBERS = `('smallint'::regtype, 'integer'::regtype, 'real'::regtype, 'double precision'::regtype)`;

/**
 * A cell for `copyCsv` written as `toCsv` writes the value node-postgres reads from the same expression,
 * for text, integer and boolean expressions (`true`/`false`; null as an empty cell). PostgreSQL's CSV
 * quotes an empty string (`""`) to tell it from null, where `toCsv` writes neither, hence the NULLIF.
 * Other types (timestamps, numerics, arrays) print differently: convert them to text in the query first.
 * Formula cells are neutralised as `neutraliseFormula` does: every value but the types node-postgres reads
 * as JavaScript numbers (int2, int4, float4, float8), which `toCsv` writes as numbers.
 */
export const csvCell = (expr: string): string =>
  `CASE WHEN (${expr})::text ~ '^[-=+@\\t\\r]' AND pg_typeof(${expr}) NOT IN ${SQL_NUMBERS}` +
  ` THEN '''' || (${expr})::text ELSE NULLIF((${expr})::text, '') END`;

/**
 * A statement with its parameters written in as literals, for COPY, which takes none (`$n` in `text` is
 * `values[n - 1]`): integers, booleans, null and strings (escaped by node-postgres' `escapeLiteral`) only;
 * anything else is refused. Use it only with values already validated (codes, UUIDs, years).
 */
export function withLiterals(text: string, values: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i >= values.length) throw new Error(`withLiterals: no value for $${n}`);
    const value = values[i];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (typeof value === 'string') return pg.escapeLiteral(value);
    throw new Error(`withLiterals: unsupported value for $${n}`);
  });
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const COMMA = 0x2c;

/**
 * Takes the last column off CSV as PostgreSQL's COPY writes it (FORMAT csv, HEADER, `\n` after each row),
 * where that column's values are never quoted and hold no comma (UUIDs, say): the CSV without it, and the
 * column's values in row order (the header's left out). Rows are told apart by newlines outside quotes (a
 * quoted cell may hold line breaks; its quotes are doubled, so quote-counting finds its end).
 *
 * Fed chunk by chunk as the CSV arrives (`push`), so that the work is done while PostgreSQL is still writing
 * the rest; a row cut by a chunk's end is finished with the next chunk. Each row is copied once (on the
 * misconduct return's 1.2 MB, ~30% faster than slicing every row and concatenating the slices).
 */
export class LastColumnSplitter {
  private readonly parts: Buffer[] = [];
  private readonly values: string[] = [];
  private pending: Buffer | null = null;
  private header = true;

  push(chunk: Buffer): void {
    const csv = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const body = Buffer.allocUnsafe(csv.length);
    let length = 0;
    let rowStart = 0;
    let nextQuote = csv.indexOf(QUOTE);
    let i = 0;
    while (i < csv.length) {
      const newline = csv.indexOf(NEWLINE, i);
      if (newline < 0) break;
      if (nextQuote >= 0 && nextQuote < newline) {
        // A quoted cell: skip to its closing quote ("" inside it is two quotes, closing and reopening). If
        // it is not in this chunk, the row is finished with the next one.
        const close = csv.indexOf(QUOTE, nextQuote + 1);
        if (close < 0) break;
        i = close + 1;
        nextQuote = csv.indexOf(QUOTE, i);
        continue;
      }
      const comma = csv.lastIndexOf(COMMA, newline);
      if (comma < rowStart) throw new Error('LastColumnSplitter: a row without a last column');
      length += csv.copy(body, length, rowStart, comma);
      body[length++] = NEWLINE;
      if (this.header) this.header = false;
      else this.values.push(csv.toString('latin1', comma + 1, newline));
      rowStart = newline + 1;
      i = rowStart;
    }
    if (length > 0) this.parts.push(body.subarray(0, length));
    this.pending = rowStart < csv.length ? csv.subarray(rowStart) : null;
  }

  /** The CSV without its last column, and that column's values; refused if the last row is unfinished. */
  end(): { body: Buffer; values: string[] } {
    if (this.pending) {
      throw new Error(
        this.pending.includes(NEWLINE)
          ? 'LastColumnSplitter: unterminated quoted cell'
          : 'LastColumnSplitter: the last row has no newline',
      );
    }
    const body = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    return { body, values: this.values };
  }
}

/** The COPY statement `copyCsv` runs: `select`'s rows as CSV with its column names as the header row. */
export const copyCsvSql = (select: string): string => `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER)`;

/** `select` run as `COPY … TO STDOUT` on the manager's own connection (a connection of `Transactions`). */
async function copyOut(manager: EntityManager, select: string): Promise<NodeJS.ReadableStream> {
  return (await pgClientOf(manager)).query(copyStreams.to(copyCsvSql(select)));
}

/**
 * Runs `select` (SQL text, or a compiled query whose values `withLiterals` can write) as `COPY … TO STDOUT` and gathers the CSV PostgreSQL writes, as bytes: nothing is parsed
 * into rows. The select's last column is for the server only (the people an audit row names): it is taken
 * off as the CSV arrives (`LastColumnSplitter`), and its values are returned beside the CSV. The whole table
 * is held in memory (send it after the statement has committed, so a slow client never holds a connection).
 */
export async function copyCsv(
  manager: EntityManager,
  select: string | CompiledQuery,
): Promise<{ body: Buffer; values: string[] }> {
  const splitter = new LastColumnSplitter();
  // COPY takes no parameters: a compiled (Kysely) query's values are written in as literals.
  const text = typeof select === 'string' ? select : withLiterals(select.sql, [...select.parameters]);
  await readEach(await copyOut(manager, text), (chunk) => splitter.push(chunk));
  return splitter.end();
}

/**
 * Hands each chunk of a stream to `onChunk` (data events, cheaper than `for await`) and settles when the
 * stream ends. A chunk `onChunk` refuses fails the call, but only once the stream has ended: a COPY is read
 * to its end, so that its connection goes back to the pool in a usable state.
 */
export function readEach(stream: NodeJS.ReadableStream, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let refused: Error | null = null;
    stream.on('data', (chunk: Buffer) => {
      if (refused) return;
      try {
        onChunk(chunk);
      } catch (error) {
        refused = error instanceof Error ? error : new Error(String(error));
      }
    });
    stream.on('end', () => (refused ? reject(refused) : resolve()));
    stream.on('error', reject);
  });
}

export function sendCsv(reply: FastifyReply, filename: string, body: string | Buffer): void {
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(body);
}
