import argon2 from 'argon2';
import { sql } from 'kysely';
import type { DataSource } from 'typeorm';
import { ALL_ROLES, Role } from '../common/auth/roles.js';
import { db, one } from '../database/sql.js';
import { ARGON2_OPTIONS } from '../modules/auth/password.service.js';
import { seedCases } from './cases.js';
import { seedIntelligence } from './intelligence.js';
import { type DemoContext, type DemoSeeder, run } from './demo-context.js';
import { vettingDemo } from './vetting.js';
import { workforceDemo } from './workforce.js';

export const DEMO_EMAIL_DOMAIN = 'demo.lantern.local';

/**
 * A supervisor who is also the subject of demo intelligence (linked to the workforce member named in most
 * reports): signed in as them, the need-to-know rule can be seen — their queue, searches, figures and the
 * cases list leave out every record about them, and those records' ids answer 404.
 */
export const DEMO_CONFLICTED_EMAIL = `supervisor-subject@${DEMO_EMAIL_DOMAIN}`;

/**
 * Each module's demo data, in dependency order. A module adds its seeder here
 * (`src/demo/<module>.ts`).
 */
const SEEDERS: [string, DemoSeeder][] = [
  ['workforce', workforceDemo],
  ['intelligence', seedIntelligence],
  ['cases', seedCases],
  // Last: the intelligence demo adds people of its own, and they need clearances too. (Run second, it left
  // them without any on a first run, so the compliance figure read ~20% until the demo was run again.)
  ['vetting', vettingDemo],
];

/**
 * One demo user per role. Their password is generated for this demo run and set again on every run
 * (demo accounts only, recognisable by their domain), so no password is ever written in code.
 */
async function seedUsers(source: DataSource, password: string): Promise<Record<string, string>> {
  const hash = await argon2.hash(password, ARGON2_OPTIONS);
  const users: Record<string, string> = {};
  for (const role of ALL_ROLES) {
    const row = await one(
      source.manager,
      db
        .insertInto('app_user')
        .values({
          email: `${role.replace('_', '-')}@${DEMO_EMAIL_DOMAIN}`,
          display_name: `Demo ${role.replace('_', ' ')}`,
          roles: [role],
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
    users[role] = row.id;
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
      const ctx: DemoContext = { manager, users, log };
      await seeder(ctx);
    });
    log(`demo data: ${name} ready`);
  }
  await seedConflictedUser(source, password);
}

async function seedConflictedUser(source: DataSource, password: string): Promise<void> {
  const hash = await argon2.hash(password, ARGON2_OPTIONS);
  await run(
    source.manager,
    sql`INSERT INTO app_user (email, display_name, roles, password_hash, workforce_member_id)
     SELECT ${DEMO_CONFLICTED_EMAIL}, 'Demo supervisor (subject of intelligence)', ARRAY[${Role.Supervisor}]::user_role[], ${hash}, s.workforce_member_id
       FROM intelligence_subject s GROUP BY s.workforce_member_id
      ORDER BY count(*) DESC, s.workforce_member_id LIMIT 1
     ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, enabled = true,
       failed_logins = 0, locked_until = NULL, workforce_member_id = EXCLUDED.workforce_member_id,
       auth_version = app_user.auth_version + 1`,
  );
}
