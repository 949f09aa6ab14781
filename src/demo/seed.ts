import argon2 from 'argon2';
import { sql } from 'kysely';
import type { DataSource } from 'typeorm';
import { Role } from '../common/auth/roles.js';
import { db, one } from '../database/sql.js';
import { ARGON2_OPTIONS } from '../modules/auth/password.service.js';
import { seedCases } from './cases.js';
import { seedIntelligence } from './intelligence.js';
import { type DemoContext, type DemoSeeder, run } from './demo-context.js';
import { monitoringDemo } from './monitoring.js';
import { vettingDemo } from './vetting.js';
import { DEMO_LINKED_STAFF_NUMBER, workforceDemo } from './workforce.js';

export const DEMO_EMAIL_DOMAIN = 'demo.lantern.local';

/** A demo login: its email's local part, display name, role, and the workforce record it is linked to. */
export interface DemoLogin {
  key: string;
  email: string;
  displayName: string;
  role: Role;
  staffNumber?: string;
  note?: string;
}

const login = (key: string, role: Role, displayName: string, extra: Partial<DemoLogin> = {}): DemoLogin => ({
  key,
  email: `${key.replace('_', '-')}@${DEMO_EMAIL_DOMAIN}`,
  displayName,
  role,
  ...extra,
});

/**
 * The unit's logins: two supervisors, five analysts (one of them linked to her own workforce record, which a
 * report names: signed in as her, the need-to-know rule can be seen: her queue, searches, figures and the
 * cases list leave out every record about her, and those records' ids answer 404), a vetting officer, an
 * auditor and an admin. Keys are the first login per role's role name (what seeders receive).
 */
export const DEMO_LOGINS: DemoLogin[] = [
  login(Role.Supervisor, Role.Supervisor, 'Demo supervisor'),
  login('supervisor-2', Role.Supervisor, 'Demo supervisor 2'),
  login(Role.Analyst, Role.Analyst, 'Demo analyst'),
  login('analyst-2', Role.Analyst, 'Demo analyst 2'),
  login('analyst-3', Role.Analyst, 'Demo analyst 3'),
  login('analyst-4', Role.Analyst, 'Demo analyst 4'),
  login('analyst-5', Role.Analyst, 'Demo analyst 5', {
    staffNumber: DEMO_LINKED_STAFF_NUMBER,
    note: `linked to workforce record ${DEMO_LINKED_STAFF_NUMBER}, the subject of a report: sees none of it`,
  }),
  login(Role.VettingOfficer, Role.VettingOfficer, 'Demo vetting officer'),
  login(Role.Auditor, Role.Auditor, 'Demo auditor'),
  login(Role.Admin, Role.Admin, 'Demo admin'),
];

/**
 * Each module's demo data, in dependency order. A module adds its seeder here
 * (`src/demo/<module>.ts`).
 */
const SEEDERS: [string, DemoSeeder][] = [
  ['workforce', workforceDemo],
  ['intelligence', seedIntelligence],
  ['cases', seedCases],
  // Last: clearances for everyone the other seeders may have added.
  ['vetting', vettingDemo],
  // A week of the force systems' access and contact events (ICT monitoring), over the workforce and cases above.
  ['monitoring', monitoringDemo],
];

/**
 * The demo logins. Their password is generated for this demo run and set again on every run (demo accounts
 * only, recognisable by their domain), so no password is ever written in code.
 */
async function seedUsers(source: DataSource, password: string): Promise<Record<string, string>> {
  const hash = await argon2.hash(password, ARGON2_OPTIONS);
  const users: Record<string, string> = {};
  for (const user of DEMO_LOGINS) {
    const row = await one(
      source.manager,
      db
        .insertInto('app_user')
        .values({
          email: user.email,
          display_name: user.displayName,
          roles: [user.role],
          password_hash: hash,
        })
        .onConflict((oc) =>
          oc.column('email').doUpdateSet((eb) => ({
            password_hash: eb.ref('excluded.password_hash'),
            enabled: true,
            failed_logins: 0,
            locked_until: null,
            auth_version: sql<number>`app_user.auth_version + 1`,
          })),
        )
        .returning('id'),
    );
    users[user.key] = row.id;
  }
  return users;
}

export async function seedDemo(
  source: DataSource,
  password: string,
  log: (m: string) => void,
): Promise<void> {
  const users = await seedUsers(source, password);
  for (const [name, seeder] of SEEDERS) {
    await source.transaction(async (manager) => {
      // Small statements with big estimates (generate_series, temporary tables): JIT costs seconds here.
      await run(manager, sql`SET LOCAL jit = off`);
      const ctx: DemoContext = { manager, users, log };
      await seeder(ctx);
    });
    log(`demo data: ${name} ready`);
  }
  await linkUsers(source);
  // Fresh statistics for the planner: without them, the first reads plan for empty tables (the vetting
  // figures' per-month states took seconds a month instead of a fraction of one).
  await source.query('ANALYZE');
}

/** Links the logins that have a workforce record to it (once the workforce exists). */
async function linkUsers(source: DataSource): Promise<void> {
  for (const user of DEMO_LOGINS.filter((u) => u.staffNumber)) {
    await run(
      source.manager,
      sql`UPDATE app_user u SET workforce_member_id = w.id, auth_version = u.auth_version + 1
            FROM workforce_member w
           WHERE u.email = ${user.email} AND w.staff_number = ${user.staffNumber}
             AND u.workforce_member_id IS DISTINCT FROM w.id`,
    );
  }
}
