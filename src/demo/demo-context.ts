import type { RawBuilder } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, db } from '../database/sql.js';

/** What every module's demo seeder receives. Seeders are idempotent: a second run adds nothing twice. */
export interface DemoContext {
  manager: EntityManager;
  /** The demo users by role (created first), e.g. to name who recorded or assessed something. */
  users: Record<string, string>;
  log: (message: string) => void;
}

export type DemoSeeder = (ctx: DemoContext) => Promise<void>;

/** A piece of a demo statement: SQL text with its bound values. */
export type Fragment = RawBuilder<unknown>;

/**
 * Runs one of the demo's bulk statements (an `sql` template: generate_series and the like, its values bound)
 * on the seeding transaction; its rows, typed by the template. The demo writes the tables directly: it is a
 * seeding tool, not the product.
 */
export const run = <R>(m: EntityManager, statement: RawBuilder<R>): Promise<R[]> =>
  all(m, statement.compile(db));
