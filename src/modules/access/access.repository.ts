import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db, first } from '../../database/sql.js';
import { concernsSql, KIND_TABLES, type RecordKind } from './access.policy.js';

/** The access gate's one query: a record by id and the members it concerns, by the policy's definition. */
@Injectable()
export class AccessRepository {
  /** The members the record concerns, or undefined when no record of `kind` has the id. */
  async membersOf(tx: EntityManager, kind: RecordKind, id: string): Promise<string[] | undefined> {
    const table = KIND_TABLES[kind];
    if (!table) throw new Error(`requireVisible: ${kind} is not addressed by id`);
    // The table and the members' expression are the policy's own constants, not input.
    const row = await first(
      tx,
      sql<{ members: string[] }>`SELECT ${sql.raw(concernsSql(kind, 'r'))}::text[] AS members
        FROM ${sql.table(table)} r WHERE r.id = ${id}`.compile(db),
    );
    return row?.members;
  }
}
