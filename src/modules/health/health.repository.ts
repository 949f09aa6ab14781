import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db, execute } from '../../database/sql.js';

const PING = sql<{ ok: number }>`SELECT 1 AS ok`.compile(db);

/** The readiness probe's one statement. */
@Injectable()
export class HealthRepository {
  async ping(tx: EntityManager): Promise<void> {
    await execute(tx, PING);
  }
}
