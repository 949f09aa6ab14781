import { createHash } from 'node:crypto';
import { Global, Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { ApplicationRoleCheck } from './app-role.js';

/**
 * The one way to run work against the database, in three shapes:
 * - `run`: a change of several statements, in one transaction, its audit row included, so that a rolled-back
 *   change leaves no trace and a committed one is always audited;
 * - `statement`: a change that is one statement (its audit row a data-modifying CTE of it,
 *   `AuditService.insertSql`), which PostgreSQL runs atomically on its own, with no BEGIN/COMMIT round trips,
 *   prepared once per connection;
 * - `read`: an audited read (queries, then the audit insert), with no BEGIN/COMMIT round trips either;
 *   `readAudited` when the audit row does not depend on what is read, the two at once.
 * READ COMMITTED (PostgreSQL's default) is assumed by the audit chain's trigger and by `read`.
 */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    // READ COMMITTED is each connection's default (databaseOptions): no extra statement per transaction.
    return this.dataSource.transaction(work);
  }

  /**
   * An audited read: `work` runs on one pooled connection without BEGIN/COMMIT, each statement its own
   * transaction. Under READ COMMITTED a transaction would give it nothing more: every statement takes its own
   * snapshot either way, and a read has nothing to roll back. The audit insert, last, is sealed into the chain
   * and durable when it returns, so the caller sends nothing that was not audited. Saving the two round trips
   * matters under load: on a 2-core machine each socket write wakes a PostgreSQL backend that preempts Node
   * (users page at 16 connections: ~800 to ~1,300 requests/s). Not for work that locks rows, sets
   * transaction-local settings or makes ON COMMIT DROP tables: those use `run`.
   */
  async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work(runner.manager);
    } finally {
      await runner.release();
    }
  }

  /**
   * An audited read whose audit row does not depend on what it reads (a figure: who ran which aggregate with
   * which filters). `work` and `audit` run at once, each as a `read` on its own pooled connection, so the
   * audit row's durable commit overlaps the query instead of following it (~1 ms on this machine). The
   * result is returned only when both have finished, so nothing is sent unaudited; if either fails, the call
   * fails with the first error. A read that fails in the database after its row was sealed leaves that row:
   * the trail may over-record an attempt, never under-record an answer. Checks that refuse the request with
   * a 4xx must run before this, or the row would record a refused request as a read.
   */
  async readAudited<T>(
    work: (manager: EntityManager) => Promise<T>,
    audit: (manager: EntityManager) => Promise<void>,
  ): Promise<T> {
    // Both settle before anything is answered: no connection is still in use when the request ends.
    const [result, audited] = await Promise.allSettled([this.read(work), this.read(audit)]);
    if (result.status === 'rejected') throw result.reason;
    if (audited.status === 'rejected') throw audited.reason;
    return result.value;
  }

  /**
   * One statement in its own implicit transaction: all of it commits, or none of it. It is a prepared
   * statement, named by a hash of its text: each pooled connection parses and plans it once, then only
   * binds and runs it (the intelligence write's statement, with its counter and audit CTEs and 32 returned
   * columns: 2.8–3.2 ms a call unprepared, 1.4–2.0 prepared, in pgbench on the bench data). So `sql` must be
   * one of a fixed set of texts, its values all in `params`: every distinct text stays prepared on each
   * connection for the connection's life (so Lantern connects to PostgreSQL itself, not through a
   * transaction-mode pooler that moves sessions). Errors are TypeORM's QueryFailedError, as from every other
   * path, so ProblemFilter maps them the same way.
   */
  statement<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.read(async (manager) => {
      const client = await pgClientOf(manager);
      const name = `lantern_${createHash('sha1').update(sql).digest('hex')}`;
      try {
        const { rows } = await client.query<T & pg.QueryResultRow>({ name, text: sql, values: params });
        return rows;
      } catch (error) {
        throw error instanceof pg.DatabaseError ? new QueryFailedError(sql, params, error) : error;
      }
    });
  }
}

/** `ApplicationRoleCheck`: the API and the worker refuse to start when DATABASE_URL has the owner's rights. */
@Global()
@Module({ providers: [Transactions, ApplicationRoleCheck], exports: [Transactions] })
export class DatabaseModule {}

/**
 * The node-postgres client under a connection of `Transactions` (`run`, `read`), for what TypeORM's `query`
 * cannot do: a COPY (`copyCsv`), a named statement (`Transactions.statement`).
 */
export async function pgClientOf(manager: EntityManager): Promise<pg.ClientBase> {
  if (!manager.queryRunner) throw new Error('this runs on a connection of Transactions (run or read)');
  return (await manager.queryRunner.connect()) as pg.ClientBase;
}

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
