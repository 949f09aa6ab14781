import { sql } from 'kysely';
import { db, execute } from '../database/sql.js';
import { VettingLevel } from '../modules/vetting/vetting.enums.js';
import { MemberType } from '../modules/workforce/workforce.enums.js';
import { type DemoSeeder, run } from './demo-context.js';

const DEPARTMENTS: [string, string][] = [
  ['PSD', 'Professional Standards Department'],
  ['CID', 'Criminal Investigation Department'],
  ['RPU', 'Roads Policing Unit'],
  ['ICT', 'Information and Communications Technology'],
  ['NPT', 'Neighbourhood Policing'],
];

const POSTS: [string, string, string, VettingLevel | null][] = [
  ['PSD-CCU-DS', 'Detective Sergeant, Counter-Corruption Unit', 'PSD', VettingLevel.MV],
  ['PSD-CCU-AN', 'Intelligence Analyst, Counter-Corruption Unit', 'PSD', VettingLevel.MV],
  ['CID-DC', 'Detective Constable', 'CID', VettingLevel.MV],
  ['CID-TSU', 'Technical Surveillance Officer', 'CID', VettingLevel.SC],
  ['RPU-PC', 'Roads Policing Constable', 'RPU', VettingLevel.RV],
  ['ICT-ENG', 'Systems Engineer (contractor)', 'ICT', VettingLevel.NPPV3],
  ['NPT-PCSO', 'Police Community Support Officer', 'NPT', VettingLevel.RV],
  ['NPT-VOL', 'Volunteer, front counter', 'NPT', null],
];

const GIVEN = [
  'Aisha',
  'Ben',
  'Chloe',
  'Dev',
  'Eilidh',
  'Femi',
  'Grace',
  'Harry',
  'Imran',
  'Jess',
  'Kieran',
  'Leah',
];
const FAMILY = [
  'Ahmed',
  'Brooks',
  'Clarke',
  'Davies',
  'Evans',
  'Fletcher',
  'Green',
  'Hughes',
  'Iqbal',
  'Jones',
];
const TYPES: Record<string, MemberType> = {
  'PSD-CCU-DS': MemberType.Officer,
  'PSD-CCU-AN': MemberType.Staff,
  'CID-DC': MemberType.Officer,
  'CID-TSU': MemberType.Officer,
  'RPU-PC': MemberType.Officer,
  'ICT-ENG': MemberType.Contractor,
  'NPT-PCSO': MemberType.Pcso,
  'NPT-VOL': MemberType.Volunteer,
};

/** Five departments, eight posts with their vetting levels, and 120 people (idempotent by code/number). */
export const workforceDemo: DemoSeeder = async ({ manager, log }) => {
  await execute(
    manager,
    db
      .insertInto('department')
      .values(DEPARTMENTS.map(([code, name]) => ({ code, name })))
      .onConflict((oc) => oc.column('code').doNothing()),
  );
  for (const [code, title, dep, level] of POSTS) {
    await execute(
      manager,
      db
        .insertInto('post')
        .columns(['code', 'title', 'department_id', 'required_level'])
        .expression(
          db
            .selectFrom('department as d')
            .select((eb) => [
              eb.val(code).as('code'),
              eb.val(title).as('title'),
              'd.id',
              sql<VettingLevel | null>`${level}::vetting_level`.as('required_level'),
            ])
            .where('d.code', '=', dep),
        )
        .onConflict((oc) => oc.column('code').doNothing()),
    );
  }
  const rows = Array.from({ length: 120 }, (_, i) => {
    const [post] = POSTS[i % POSTS.length];
    return {
      staff: `D${String(1000 + i)}`,
      type: TYPES[post],
      given: GIVEN[i % GIVEN.length],
      family: FAMILY[(i * 7) % FAMILY.length],
      post,
      start: `${2000 + (i % 24)}-0${(i % 9) + 1}-15`,
      leave: i % 40 === 39 ? '2025-12-31' : null,
    };
  });
  const column = (pick: (r: (typeof rows)[number]) => string | null) => rows.map(pick);
  await run(
    manager,
    sql`INSERT INTO workforce_member (staff_number, member_type, given_name, family_name, department_id, post_id, start_date, leave_date)
     SELECT r.staff, r.type::member_type, r.given, r.family, p.department_id, p.id, r.start::date, r.leave::date
       FROM unnest(${column((r) => r.staff)}::text[], ${column((r) => r.type)}::text[],
                   ${column((r) => r.given)}::text[], ${column((r) => r.family)}::text[],
                   ${column((r) => r.post)}::text[], ${column((r) => r.start)}::text[], ${column((r) => r.leave)}::text[])
            AS r(staff, type, given, family, post, start, leave)
       JOIN post p ON p.code = r.post
     ON CONFLICT (staff_number) DO NOTHING`,
  );
  log(`workforce: ${DEPARTMENTS.length} departments, ${POSTS.length} posts, ${rows.length} people`);
};

/**
 * Plain generated people for the demo data at scale (the intelligence demo's subjects, the bench's workforce):
 * staff numbers `<prefix><g zero-padded to digits>` for g in 1..`count` (an SQL expression: trusted text, never
 * input), mixed member types, names and ranks drawn from g. Existing staff numbers are left alone.
 */
export const generatedMembersSql = (prefix: string, digits: number, count: string): string =>
  `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name, rank_or_grade)
   SELECT (ARRAY['officer','officer','officer','staff','staff','special_constable','pcso','contractor'])[1 + g % 8]::member_type,
          '${prefix}' || lpad(g::text, ${digits}, '0'),
          (ARRAY['Alex','Sam','Jo','Chris','Pat','Morgan','Jamie','Robin','Kim','Lee','Charlie','Taylor'])[1 + g % 12],
          (ARRAY['Smith','Jones','Taylor','Brown','Williams','Wilson','Evans','Thomas','Roberts','Walker','Khan','Patel','Wright','Hughes'])[1 + (g * 7) % 14],
          (ARRAY['Constable','Sergeant','Inspector','Police Staff','Police Staff','Special Constable','PCSO','Contractor'])[1 + g % 8]
     FROM generate_series(1, ${count}) g
   ON CONFLICT (staff_number) DO NOTHING`;
