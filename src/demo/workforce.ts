import { sql } from 'kysely';
import { db, execute } from '../database/sql.js';
import { VettingLevel } from '../modules/vetting/vetting.enums.js';
import { MemberType } from '../modules/workforce/workforce.enums.js';
import { type DemoSeeder, run } from './demo-context.js';

/** How many people the demo force employs or engages (a mid-sized force). */
export const DEMO_WORKFORCE = 3000;

const DEPARTMENTS: [string, string][] = [
  ['PSD', 'Professional Standards Department'],
  ['RESP', 'Response Policing'],
  ['NPT', 'Neighbourhood Policing'],
  ['CID', 'Criminal Investigation Department'],
  ['PPU', 'Public Protection Unit'],
  ['RPU', 'Roads Policing Unit'],
  ['SOU', 'Specialist Operations'],
  ['CUST', 'Custody'],
  ['CMD', 'Contact Management'],
  ['INT', 'Force Intelligence Bureau'],
  ['ICT', 'Information and Communications Technology'],
  ['PEO', 'People Services'],
  ['FIN', 'Finance and Estates'],
];

/** A post: code, title, department, the vetting level it requires, who holds it, their rank or grade, weight. */
type Post = [string, string, string, VettingLevel, MemberType, string, number];
const { Officer, Staff, Pcso, SpecialConstable, Volunteer, Contractor } = MemberType;
const { RV, MV, NPPV2, NPPV3, SC } = VettingLevel;

/** The posts, weighted by how many people hold each (the CCU's own posts are filled first, by hand). */
export const DEMO_POSTS: Post[] = [
  [
    'PSD-CCU-DI',
    'Detective Inspector, Counter-Corruption Unit',
    'PSD',
    MV,
    Officer,
    'Detective Inspector',
    0,
  ],
  ['PSD-CCU-DS', 'Detective Sergeant, Counter-Corruption Unit', 'PSD', MV, Officer, 'Detective Sergeant', 0],
  ['PSD-CCU-AN', 'Intelligence Analyst, Counter-Corruption Unit', 'PSD', MV, Staff, 'Grade 6', 0],
  ['PSD-VET', 'Vetting Officer', 'PSD', MV, Staff, 'Grade 5', 3],
  ['PSD-AUD', 'Information Assurance Auditor', 'PSD', MV, Staff, 'Grade 6', 2],
  ['PSD-INV', 'Investigator, Professional Standards', 'PSD', MV, Officer, 'Detective Sergeant', 8],
  ['RESP-PC', 'Response Constable', 'RESP', RV, Officer, 'Constable', 520],
  ['RESP-PS', 'Response Sergeant', 'RESP', RV, Officer, 'Sergeant', 70],
  ['RESP-INSP', 'Response Inspector', 'RESP', MV, Officer, 'Inspector', 14],
  ['RESP-CI', 'Chief Inspector, Operations', 'RESP', MV, Officer, 'Chief Inspector', 6],
  ['RESP-SUPT', 'Superintendent, Operations', 'RESP', MV, Officer, 'Superintendent', 3],
  ['NPT-PC', 'Neighbourhood Constable', 'NPT', RV, Officer, 'Constable', 250],
  ['NPT-PS', 'Neighbourhood Sergeant', 'NPT', RV, Officer, 'Sergeant', 35],
  ['NPT-PCSO', 'Police Community Support Officer', 'NPT', RV, Pcso, 'PCSO', 220],
  ['NPT-SC', 'Special Constable', 'NPT', RV, SpecialConstable, 'Special Constable', 150],
  ['NPT-VOL', 'Volunteer, front counter', 'NPT', RV, Volunteer, 'Police Support Volunteer', 60],
  ['CID-DC', 'Detective Constable', 'CID', MV, Officer, 'Detective Constable', 220],
  ['CID-DS', 'Detective Sergeant', 'CID', MV, Officer, 'Detective Sergeant', 40],
  ['CID-DI', 'Detective Inspector', 'CID', MV, Officer, 'Detective Inspector', 10],
  ['PPU-DC', 'Detective Constable, Public Protection', 'PPU', MV, Officer, 'Detective Constable', 120],
  ['PPU-INV', 'Investigator, Public Protection', 'PPU', MV, Staff, 'Grade 5', 50],
  ['RPU-PC', 'Roads Policing Constable', 'RPU', RV, Officer, 'Constable', 110],
  ['SOU-AFO', 'Authorised Firearms Officer', 'SOU', SC, Officer, 'Constable', 60],
  ['SOU-TSU', 'Technical Surveillance Officer', 'SOU', SC, Officer, 'Detective Constable', 15],
  ['CUST-PS', 'Custody Sergeant', 'CUST', RV, Officer, 'Sergeant', 25],
  ['CUST-DO', 'Detention Officer', 'CUST', RV, Staff, 'Grade 3', 90],
  ['CMD-CH', 'Call Handler', 'CMD', RV, Staff, 'Grade 3', 230],
  ['CMD-DIS', 'Dispatcher', 'CMD', RV, Staff, 'Grade 4', 80],
  ['INT-AN', 'Intelligence Analyst', 'INT', MV, Staff, 'Grade 6', 40],
  ['INT-RES', 'Intelligence Researcher', 'INT', MV, Staff, 'Grade 4', 50],
  ['ICT-SUP', 'ICT Support Analyst', 'ICT', MV, Staff, 'Grade 4', 45],
  ['ICT-ENG', 'Systems Engineer (contractor)', 'ICT', NPPV3, Contractor, 'Contractor', 40],
  ['PEO-ADV', 'HR Adviser', 'PEO', RV, Staff, 'Grade 5', 45],
  ['FIN-OFF', 'Finance Officer', 'FIN', RV, Staff, 'Grade 4', 40],
  ['FIN-FAC', 'Facilities contractor', 'FIN', NPPV2, Contractor, 'Contractor', 30],
];

/**
 * The counter-corruption unit and the demo users' own records, the first staff numbers of the force: the
 * demo users may be linked to them (one analyst is, and a report names her: the need-to-know rule).
 */
export const DEMO_UNIT: { staffNumber: string; post: string }[] = [
  { staffNumber: '10001', post: 'PSD-CCU-DI' },
  { staffNumber: '10002', post: 'PSD-CCU-DS' },
  { staffNumber: '10003', post: 'PSD-CCU-AN' },
  { staffNumber: '10004', post: 'PSD-CCU-AN' },
  { staffNumber: '10005', post: 'PSD-CCU-AN' },
  { staffNumber: '10006', post: 'PSD-CCU-AN' },
  { staffNumber: '10007', post: 'PSD-CCU-AN' },
  { staffNumber: '10008', post: 'PSD-VET' },
  { staffNumber: '10009', post: 'PSD-AUD' },
  { staffNumber: '10010', post: 'ICT-SUP' },
];
/** The CCU analyst who is the subject of a report (the demo's linked analyst login). */
export const DEMO_LINKED_STAFF_NUMBER = '10007';

/** Given and family names (fictional people: any likeness is chance). */
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
  'Mohammed',
  'Niamh',
  'Oliver',
  'Priya',
  'Rhys',
  'Sophie',
  'Tom',
  'Usha',
  'Vikram',
  'Wendy',
  'Yusuf',
  'Zoe',
  'Amelia',
  'Callum',
  'Daniel',
  'Emma',
  'Gareth',
  'Hannah',
  'Jack',
  'Katie',
  'Liam',
  'Megan',
  'Nathan',
  'Olivia',
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
  'Khan',
  'Lewis',
  'Morgan',
  'Nowak',
  'Okafor',
  'Patel',
  'Quinn',
  'Roberts',
  'Singh',
  'Taylor',
  'Walsh',
  'Wright',
  'Young',
  'Bennett',
  'Chapman',
  'Doyle',
  'Ellis',
  'Foster',
  'Griffiths',
  'Harris',
  'Kaur',
  'Murphy',
  'Owen',
  'Price',
  'Reid',
  'Shaw',
  'Turner',
  'Ward',
  'Wood',
  'Begum',
];

/**
 * Thirteen departments, their posts with the vetting level each requires, and a force of ~3,000 people (and
 * the ~5% who left in the last five years), every one with a rank or grade, a department and a post, staff
 * numbers 10001 on. Set-based and idempotent (by code and staff number).
 */
export const workforceDemo: DemoSeeder = async ({ manager, log }) => {
  await execute(
    manager,
    db
      .insertInto('department')
      .values(DEPARTMENTS.map(([code, name]) => ({ code, name })))
      .onConflict((oc) => oc.column('code').doNothing()),
  );
  const col = <T>(pick: (p: Post) => T): T[] => DEMO_POSTS.map(pick);
  await run(
    manager,
    sql`INSERT INTO post (code, title, department_id, required_level)
     SELECT v.code, v.title, d.id, v.level::vetting_level
       FROM unnest(${col((p) => p[0])}::text[], ${col((p) => p[1])}::text[], ${col((p) => p[2])}::text[],
                   ${col((p) => p[3])}::text[]) AS v(code, title, dep, level)
       JOIN department d ON d.code = v.dep
     ON CONFLICT (code) DO NOTHING`,
  );
  // Drawn per person from hashes of the row number: the post by weight, the name, the start (and for one
  // in twenty, the leaving) date.
  const people = Math.round(DEMO_WORKFORCE / 0.95);
  const [{ n }] = await run(
    manager,
    sql<{ n: string }>`WITH roster AS (
       SELECT v.code, v.mt, v.rnk, sum(v.weight) OVER (ORDER BY v.code) AS upto, v.weight
         FROM unnest(${col((p) => p[0])}::text[], ${col((p) => p[4])}::text[], ${col((p) => p[5])}::text[],
                     ${col((p) => p[6])}::int[]) AS v(code, mt, rnk, weight)
     ), total AS (SELECT max(upto) AS t FROM roster),
     unit AS (
       SELECT u.staff, u.post FROM unnest(${DEMO_UNIT.map((u) => u.staffNumber)}::text[],
                                           ${DEMO_UNIT.map((u) => u.post)}::text[]) AS u(staff, post)
     ),
     drawn AS (
       SELECT (10000 + g)::text AS staff, abs(hashtext('wf' || g)) AS h, abs(hashtext('wf-name' || g)) AS hn,
              COALESCE(u.post, (SELECT r.code FROM roster r, total
                                 WHERE r.weight > 0 AND r.upto > abs(hashtext('wf' || g)) % total.t
                                 ORDER BY r.upto LIMIT 1)) AS post
         FROM generate_series(1, ${people}::int) g LEFT JOIN unit u ON u.staff = (10000 + g)::text
     ), ins AS (
       INSERT INTO workforce_member (staff_number, member_type, given_name, family_name, rank_or_grade,
                                     department_id, post_id, start_date, leave_date)
       SELECT x.staff, r.mt::member_type, (${GIVEN}::text[])[1 + x.hn % ${GIVEN.length}::int],
              (${FAMILY}::text[])[1 + (x.hn / 64) % ${FAMILY.length}::int], r.rnk, p.department_id, p.id,
              current_date - 200 - (x.h / 7) % 11000 - CASE WHEN x.h % 20 = 0 THEN 1800 ELSE 0 END,
              CASE WHEN x.h % 20 = 0 AND x.staff > '10010' THEN current_date - 20 - (x.h / 20) % 1800 END
         FROM drawn x JOIN roster r ON r.code = x.post JOIN post p ON p.code = x.post
       ON CONFLICT (staff_number) DO NOTHING RETURNING 1)
     SELECT count(*)::text AS n FROM ins`,
  );
  log(`workforce: ${DEPARTMENTS.length} departments, ${DEMO_POSTS.length} posts, ${n} people added`);
};

/**
 * Plain generated people for the demo data at scale (the bench's workforce and intelligence subjects):
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
