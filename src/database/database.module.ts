import { Global, Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The one way to run work in a transaction. Everything a request writes, its audit row included, goes
 * through `run`, so that a rolled-back change leaves no trace and a committed one is always audited; a
 * change that is one statement (its audit row a data-modifying CTE of it, `AuditService.insertSql`) goes
 * through `statement`, which PostgreSQL runs atomically on its own, with no BEGIN/COMMIT round trips.
 * READ COMMITTED (PostgreSQL's default) is assumed by the audit chain's trigger.
 */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    // READ COMMITTED is each connection's default (databaseOptions): no extra statement per transaction.
    return this.dataSource.transaction(work);
  }

  /** One statement in its own implicit transaction: all of it commits, or none of it. */
  statement<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.dataSource.query<T[]>(sql, params);
  }
}

@Global()
@Module({ providers: [Transactions], exports: [Transactions] })
export class DatabaseModule {}

/**
 * Runs a statement and returns its rows and affected count whatever the command: TypeORM answers an
 * UPDATE or DELETE with `[rows, count]` but an INSERT or SELECT with the rows alone.
 */
export async function execute<T>(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<{ rows: T[]; count: number }> {
  const raw: unknown = await manager.query(sql, params);
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') {
    return { rows: raw[0] as T[], count: raw[1] };
  }
  const rows = raw as T[];
  return { rows, count: rows.length };
}
