import { Global, Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The one way to run work in a transaction. Everything a request writes, its audit row included, goes
 * through `run`, so that a rolled-back change leaves no trace and a committed one is always audited.
 * READ COMMITTED (PostgreSQL's default) is assumed by the audit chain's trigger.
 */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }
}

@Global()
@Module({ providers: [Transactions], exports: [Transactions] })
export class DatabaseModule {}
