import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';

/** The one CSV writer: header row from the column list, RFC 4180 quoting, UTF-8. */
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

export function sendCsv(reply: FastifyReply, filename: string, body: string): void {
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(body);
}
