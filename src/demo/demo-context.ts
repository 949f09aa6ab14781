import type { EntityManager } from 'typeorm';

/** What every module's demo seeder receives. Seeders are idempotent: a second run adds nothing twice. */
export interface DemoContext {
  manager: EntityManager;
  /** The demo users by role (created first), e.g. to name who recorded or assessed something. */
  users: Record<string, string>;
  log: (message: string) => void;
}

export type DemoSeeder = (ctx: DemoContext) => Promise<void>;
