import type { DemoSeeder } from './demo-context.js';

const DEPARTMENTS: [string, string][] = [
  ['PSD', 'Professional Standards Department'],
  ['CID', 'Criminal Investigation Department'],
  ['RPU', 'Roads Policing Unit'],
  ['ICT', 'Information and Communications Technology'],
  ['NPT', 'Neighbourhood Policing'],
];

const POSTS: [string, string, string, string | null][] = [
  ['PSD-CCU-DS', 'Detective Sergeant, Counter-Corruption Unit', 'PSD', 'MV'],
  ['PSD-CCU-AN', 'Intelligence Analyst, Counter-Corruption Unit', 'PSD', 'MV'],
  ['CID-DC', 'Detective Constable', 'CID', 'MV'],
  ['CID-TSU', 'Technical Surveillance Officer', 'CID', 'SC'],
  ['RPU-PC', 'Roads Policing Constable', 'RPU', 'RV'],
  ['ICT-ENG', 'Systems Engineer (contractor)', 'ICT', 'NPPV3'],
  ['NPT-PCSO', 'Police Community Support Officer', 'NPT', 'RV'],
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
const TYPES: Record<string, string> = {
  'PSD-CCU-DS': 'officer',
  'PSD-CCU-AN': 'staff',
  'CID-DC': 'officer',
  'CID-TSU': 'officer',
  'RPU-PC': 'officer',
  'ICT-ENG': 'contractor',
  'NPT-PCSO': 'pcso',
  'NPT-VOL': 'volunteer',
};

/** Five departments, eight posts with their vetting levels, and 120 people (idempotent by code/number). */
export const workforceDemo: DemoSeeder = async ({ manager, log }) => {
  for (const [code, name] of DEPARTMENTS) {
    await manager.query(`INSERT INTO department (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING`, [
      code,
      name,
    ]);
  }
  for (const [code, title, dep, level] of POSTS) {
    await manager.query(
      `INSERT INTO post (code, title, department_id, required_level)
       SELECT $1, $2, d.id, $4::vetting_level FROM department d WHERE d.code = $3
       ON CONFLICT (code) DO NOTHING`,
      [code, title, dep, level],
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
  await manager.query(
    `INSERT INTO workforce_member (staff_number, member_type, given_name, family_name, department_id, post_id, start_date, leave_date)
     SELECT r.staff, r.type::member_type, r.given, r.family, p.department_id, p.id, r.start::date, r.leave::date
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            AS r(staff, type, given, family, post, start, leave)
       JOIN post p ON p.code = r.post
     ON CONFLICT (staff_number) DO NOTHING`,
    [
      rows.map((r) => r.staff),
      rows.map((r) => r.type),
      rows.map((r) => r.given),
      rows.map((r) => r.family),
      rows.map((r) => r.post),
      rows.map((r) => r.start),
      rows.map((r) => r.leave),
    ],
  );
  log(`workforce: ${DEPARTMENTS.length} departments, ${POSTS.length} posts, ${rows.length} people`);
};

/**
 * Plain generated people for the demo data at scale (the intelligence demo's subjects, the bench's workforce):
 * staff numbers `<prefix><g zero-padded to digits>` for g in 1..`count` (an SQL expression), mixed member types,
 * names and ranks drawn from g. Existing staff numbers are left alone.
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
