import { Global, Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { ApplicationRoleCheck } from './app-role.js';
import { type Query, runNamed } from './sql.js';

/**
 * The unit of work: the one way to run work against the database, in two shapes, chosen by name.
 * - `write`: a change. Its audit row is written in the same transaction, so a rolled-back change leaves no trace
 *   and a committed one is always audited. Given a function, it runs in one transaction; given one statement
 *   (a query whose audit row is a data-modifying CTE of it, `AuditService.insertFrom`), it runs that statement
 *   prepared, with no BEGIN/COMMIT round trips: PostgreSQL runs one statement atomically on its own.
 * - `read`: an audited read. Its statements run on one pooled connection without BEGIN/COMMIT (under READ
 *   COMMITTED every statement takes its own snapshot either way, and a read has nothing to roll back); the
 *   audit insert, last, is durable before anything is answered. Given an `audit` function whose row does not
 *   depend on what is read (a figure: who ran which aggregate with which filters), the two run at once on two
 *   connections and the answer waits for both.
 * Why the fast paths: on a 2-core machine each socket round trip wakes a PostgreSQL backend that preempts Node,
 * and the prepared statement is parsed and planned once per connection (figures in docs/benchmarks.md).
 * READ COMMITTED (PostgreSQL's default) is assumed by the audit chain's trigger and by `read`. Work that locks
 * rows, sets transaction-local settings or makes ON COMMIT DROP tables is a `write`.
 */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /** A change of several statements in one transaction, or one statement run prepared on its own. */
  write<T>(work: (tx: EntityManager) => Promise<T>): Promise<T>;
  write<R>(statement: Query<R>): Promise<R[]>;
  write<T, R>(work: ((tx: EntityManager) => Promise<T>) | Query<R>): Promise<T | R[]> {
    if (typeof work === 'function') return this.dataSource.transaction(work);
    const { sql, parameters } = 'compile' in work ? work.compile() : work;
    return this.statement<R>(sql, [...parameters]);
  }

  /** An audited read (see the class comment); `audit`, when given, runs beside `work`. */
  async read<T>(
    work: (tx: EntityManager) => Promise<T>,
    audit?: (tx: EntityManager) => Promise<void>,
  ): Promise<T> {
    if (!audit) return this.onOneConnection(work);
    // Both settle before anything is answered: no connection is still in use when the request ends. A read
    // that fails after its audit row was sealed leaves that row: the trail may over-record an attempt, never
    // under-record an answer. Checks that refuse the request with a 4xx run before this.
    const [result, audited] = await Promise.allSettled([
      this.onOneConnection(work),
      this.onOneConnection(audit),
    ]);
    if (result.status === 'rejected') throw result.reason;
    if (audited.status === 'rejected') throw audited.reason;
    return result.value;
  }

  private async onOneConnection<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work(runner.manager);
    } finally {
      await runner.release();
    }
  }

  /**
   * One statement in its own implicit transaction, prepared: named by a hash of its text, each pooled
   * connection parses and plans it once, then only binds and runs it. So its text must be one of a fixed set,
   * its values all parameters (Lantern connects to PostgreSQL itself, not through a transaction-mode pooler
   * that moves sessions). Errors are TypeORM's QueryFailedError, as from every path.
   */
  private statement<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.onOneConnection(async (manager) => runNamed<T>(await pgClientOf(manager), sql, params));
  }
}

/** `ApplicationRoleCheck`: the API and the worker refuse to start when DATABASE_URL has the owner's rights. */
@Global()
@Module({ providers: [Transactions, ApplicationRoleCheck], exports: [Transactions] })
export class DatabaseModule {}

/**
 * The node-postgres client under a connection of `Transactions` (`write`, `read`), for what TypeORM's `query`
 * cannot do: a COPY (`copyCsv`), a named statement (`Transactions.statement`).
 */
export async function pgClientOf(manager: EntityManager): Promise<pg.ClientBase> {
  if (!manager.queryRunner) throw new Error('this runs on a connection of Transactions (write or read)');
  return (await manager.queryRunner.connect()) as pg.ClientBase;
}
