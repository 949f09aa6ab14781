import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { londonDateOf } from '../common/clock.js';
import { addDays } from '../common/dates.js';
import { RuleCode } from '../modules/monitoring/monitoring.enums.js';
import { windowOf } from '../modules/monitoring/rules.js';
import { type DemoSeeder, run } from './demo-context.js';
import { DEMO_LINKED_STAFF_NUMBER } from './workforce.js';

/** Access events a serving member makes a day in the demo (a real force's are in the hundreds: bench/). */
const PER_DAY = 8;

/**
 * A week of the force's access and contact events (ICT monitoring, issue 29) and a few planted patterns, with
 * every rule enabled: when `npm run demo` starts the worker, its first monitoring pass (within 30 s) raises
 * the flags and a supervisor sees the leads arrive in the assessment queue (source "ICT monitoring"), each with
 * its rule's reason and its events as evidence.
 *
 * - Two source systems (records management, command and control); their keys are not kept: an admin rotates
 *   one to send events.
 * - The control population: every serving member, eight look-ups a day in working hours (a few views at night),
 *   one person on each record, the vulnerable ones always within an incident; contacts within an incident.
 * - Planted, one member each: repeated access to the same vulnerable victim on three days with no incident
 *   (APSP), a message to a vulnerable victim outside any incident, a burst of sixty exports one night, a
 *   look-up of one's own record, a look-up of a person one declared an association with (their vetting
 *   declaration carries the person's records-system id), and a look-up of the subject of an open case by an
 *   officer not on it.
 *
 * Idempotent: event ids carry their day, so a second run the same day adds nothing.
 */
export const monitoringDemo: DemoSeeder = async ({ manager, log }) => {
  const sources: Record<string, string> = {};
  for (const name of ['Records management (demo)', 'Command and control (demo)']) {
    const key = `lmk_${randomBytes(32).toString('base64url')}`;
    await run(
      manager,
      sql`INSERT INTO monitoring_source (name, key_hash, key_prefix)
          VALUES (${name}, ${createHash('sha256').update(key).digest()}, ${key.slice(0, 12)})
          ON CONFLICT (name) DO NOTHING`,
    );
    const [row] = await run(
      manager,
      sql<{ id: string }>`SELECT id FROM monitoring_source WHERE name = ${name}`,
    );
    sources[name] = row.id;
  }
  const rms = sources['Records management (demo)'];
  const cad = sources['Command and control (demo)'];
  await run(manager, sql`SELECT monitoring_ensure_partitions(current_date - 7, current_date + 1)`);

  // The planted members: serving, outside the unit, one per pattern; the subject of an open case.
  const pick = async (from: string): Promise<{ id: string; staff: string }> => {
    const [row] = await run(
      manager,
      sql<{ id: string; staff: string }>`SELECT id, staff_number AS staff FROM workforce_member
         WHERE leave_date IS NULL AND staff_number >= ${from} AND staff_number <> ${DEMO_LINKED_STAFF_NUMBER}
           AND NOT EXISTS (SELECT 1 FROM case_subject s WHERE s.workforce_member_id = workforce_member.id)
         ORDER BY staff_number LIMIT 1`,
    );
    return row;
  };
  const apsp = await pick('10500');
  const contact = await pick('10777');
  const burst = await pick('11234');
  const self = await pick('11999');
  const associate = await pick('12345');
  const outsider = await pick('12800');
  const [subject] = await run(
    manager,
    sql<{ staff: string }>`SELECT w.staff_number AS staff FROM case_record c
        JOIN case_subject s ON s.case_id = c.id JOIN workforce_member w ON w.id = s.workforce_member_id
       WHERE c.status <> 'closed' ORDER BY c.reference LIMIT 1`,
  );

  // The declared association, as a vetting declaration records it (with its review_required alert), and as
  // monitoring is told of it through vetting's DeclaredAssociations port.
  let [declaration] = await run(
    manager,
    sql<{ id: string }>`SELECT id FROM vetting_declaration
       WHERE workforce_member_id = ${associate.id}::uuid AND associates <> '[]'`,
  );
  if (!declaration) {
    [declaration] = await run(
      manager,
      sql<{ id: string }>`WITH d AS (
         INSERT INTO vetting_declaration (workforce_member_id, category, declared_on, description, associates)
         VALUES (${associate.id}::uuid, 'association', current_date - 200,
                 'A school friend, since convicted of supply offences',
                 ${JSON.stringify([{ name: 'Fictional Associate', dateOfBirth: '1988-04-12', personRefs: ['RMS-P-DEMO-A1'] }])}::jsonb)
         RETURNING id, workforce_member_id
       ), alert AS (
         INSERT INTO vetting_alert (workforce_member_id, kind, due_on, source_type, source_id)
         SELECT workforce_member_id, 'review_required', current_date - 170, 'declaration', id FROM d)
       SELECT id FROM d`,
    );
  }
  await run(
    manager,
    sql`INSERT INTO monitoring_declared_association (member_id, person_ref, declared_on, declaration_id)
        VALUES (${associate.id}::uuid, 'RMS-P-DEMO-A1', current_date - 200, ${declaration.id}::uuid)
        ON CONFLICT (member_id, person_ref) DO NOTHING`,
  );

  // The control population's week.
  const [{ n: control }] = await run(
    manager,
    sql<{ n: string }>`WITH staff AS (
       SELECT id, staff_number, (row_number() OVER (ORDER BY staff_number))::int AS k FROM workforce_member WHERE leave_date IS NULL
     ), ins AS (
       INSERT INTO monitoring_access_event (source_id, event_id, occurred_at, member_id, user_ref, action, record_type,
         record_id, incident_ref, people, vulnerable)
       SELECT ${rms}::uuid, 'DEMO-' || to_char(d, 'YYYYMMDD') || '-' || s.k || '-' || j,
              (d::timestamp AT TIME ZONE 'Europe/London')
                + make_interval(hours => CASE WHEN j = 0 AND s.k % 5 = 0 THEN 23 ELSE 7 + (s.k + j * 3) % 14 END,
                                mins => (s.k * 7 + j * 13) % 60),
              s.id, s.staff_number,
              CASE WHEN j = 0 AND s.k % 5 = 0 THEN 'view'
                   ELSE (ARRAY['view','view','view','search','print','export','view','search'])[1 + (s.k + j) % 8] END::monitoring_access_action,
              (ARRAY['crime','intelligence','custody','incident','person'])[1 + (s.k + j) % 5],
              'RMS/' || to_char(d, 'YYMMDD') || '/' || s.k || j,
              CASE WHEN (s.k + j) % 4 = 0 OR (s.k * j) % 13 = 0 THEN 'INC-' || to_char(d, 'YYMMDD') || '-' || (s.k % 400) END,
              jsonb_build_array(jsonb_build_object('ref', 'RMS-P' || ((s.k * 31 + j * 977 + extract(doy FROM d)::int * 13) % 40000),
                'role', (ARRAY['victim','witness','suspect','other'])[1 + (s.k + j) % 4],
                'vulnerable', (s.k + j) % 4 = 0)),
              (s.k + j) % 4 = 0
         FROM staff s, generate_series(current_date - 6, current_date, interval '1 day') d,
              generate_series(0, ${PER_DAY - 1}::int) j
        -- Today's only up to now.
        WHERE (d::timestamp AT TIME ZONE 'Europe/London')
                + make_interval(hours => CASE WHEN j = 0 AND s.k % 5 = 0 THEN 23 ELSE 7 + (s.k + j * 3) % 14 END,
                                mins => (s.k * 7 + j * 13) % 60) <= now()
       ON CONFLICT (source_id, event_id, occurred_at) DO NOTHING RETURNING 1)
     SELECT count(*)::text AS n FROM ins`,
  );
  await run(
    manager,
    sql`INSERT INTO monitoring_contact_event (source_id, event_id, occurred_at, member_id, user_ref, channel,
          incident_ref, people, vulnerable)
        SELECT ${cad}::uuid, 'DEMO-C-' || to_char(d, 'YYYYMMDD') || '-' || w.staff_number,
               (d::timestamp AT TIME ZONE 'Europe/London') + interval '10 hours', w.id, w.staff_number,
               (ARRAY['call','message','visit'])[1 + abs(hashtext(w.staff_number)) % 3]::monitoring_contact_channel,
               'INC-' || to_char(d, 'YYMMDD') || '-' || abs(hashtext(w.staff_number)) % 400,
               jsonb_build_array(jsonb_build_object('ref', 'RMS-P' || abs(hashtext(w.staff_number || d)) % 40000,
                 'role', 'victim', 'vulnerable', abs(hashtext(w.staff_number)) % 3 = 0)),
               abs(hashtext(w.staff_number)) % 3 = 0
          FROM workforce_member w, generate_series(current_date - 6, current_date, interval '1 day') d
         WHERE w.leave_date IS NULL AND abs(hashtext(w.staff_number || d)) % 4 = 0
           AND (d::timestamp AT TIME ZONE 'Europe/London') + interval '10 hours' <= now()
        ON CONFLICT (source_id, event_id, occurred_at) DO NOTHING`,
  );

  // The planted patterns.
  const access = (
    who: { staff: string },
    key: string,
    daysAgo: number,
    time: string,
    action: string,
    person: Record<string, unknown>,
  ) => sql`SELECT ${rms}::uuid AS source_id, ${`DEMO-P-${key}-`}::text || to_char(current_date - ${daysAgo}::int, 'YYYYMMDD') AS event_id,
      ((current_date - ${daysAgo}::int)::timestamp AT TIME ZONE 'Europe/London') + ${time}::interval AS occurred_at,
      ${who.staff}::text AS user_ref, ${action}::monitoring_access_action AS action, 'person'::text AS record_type,
      ${`RMS/PERSON/${String(person.ref)}`}::text AS record_id, ${JSON.stringify([person])}::jsonb AS people,
      ${person.vulnerable === true}::boolean AS vulnerable`;
  const vulnerableVictim = { ref: 'RMS-P-DEMO-V1', role: 'victim', vulnerable: true };
  // The APSP pattern's three days lie in one of the rule's fixed windows (the one holding most of the week).
  const today = londonDateOf(new Date());
  const week = Array.from({ length: 6 }, (_, i) => 6 - i); // the six days before today
  const windowFrom = (ago: number) =>
    windowOf(RuleCode.VulnerableRepeatAccess, { windowDays: 14 }, addDays(today, -ago)).from;
  const inWindow = week.filter((ago) => windowFrom(ago) === windowFrom(week[0]));
  const apspDays = inWindow.length >= 3 ? inWindow : week.filter((ago) => !inWindow.includes(ago));
  // (Six days in at most two windows of fourteen: one of them holds three.)
  const planted = [
    access(apsp, 'APSP1', apspDays[0], '14:10', 'view', vulnerableVictim),
    access(apsp, 'APSP2', apspDays[Math.floor(apspDays.length / 2)], '19:40', 'view', vulnerableVictim),
    access(apsp, 'APSP3', apspDays[apspDays.length - 1], '21:05', 'print', vulnerableVictim),
    access(self, 'SELF', 2, '09:30', 'view', {
      ref: 'RMS-P-DEMO-S1',
      role: 'other',
      staffNumber: self.staff,
    }),
    access(associate, 'ASSOC', 2, '11:15', 'view', { ref: 'RMS-P-DEMO-A1', role: 'suspect' }),
    ...(subject
      ? [
          access(outsider, 'CASE', 1, '16:20', 'view', {
            ref: 'RMS-P-DEMO-C1',
            role: 'suspect',
            staffNumber: subject.staff,
          }),
        ]
      : []),
    ...Array.from({ length: 60 }, (_, i) =>
      access(burst, `BURST${i}`, 4, `23:${String(i % 60).padStart(2, '0')}`, i % 3 ? 'export' : 'search', {
        ref: `RMS-P${1000 + i}`,
        role: 'other',
      }),
    ),
  ];
  await run(
    manager,
    sql`INSERT INTO monitoring_access_event (source_id, event_id, occurred_at, member_id, user_ref, action, record_type,
          record_id, incident_ref, people, vulnerable)
        SELECT p.source_id, p.event_id, p.occurred_at, w.id, p.user_ref, p.action, p.record_type, p.record_id, NULL,
               p.people, p.vulnerable
          FROM (${sql.join(planted, sql` UNION ALL `)}) p JOIN workforce_member w ON w.staff_number = p.user_ref
        ON CONFLICT (source_id, event_id, occurred_at) DO NOTHING`,
  );
  await run(
    manager,
    sql`INSERT INTO monitoring_contact_event (source_id, event_id, occurred_at, member_id, user_ref, channel,
          incident_ref, people, vulnerable)
        VALUES (${cad}::uuid, 'DEMO-P-CONTACT-' || to_char(current_date - 2, 'YYYYMMDD'),
                ((current_date - 2)::timestamp AT TIME ZONE 'Europe/London') + interval '22 hours 40 minutes',
                ${contact.id}::uuid, ${contact.staff}, 'message', NULL,
                ${JSON.stringify([{ ref: 'RMS-P-DEMO-V2', role: 'victim', vulnerable: true }])}::jsonb, true)
        ON CONFLICT (source_id, event_id, occurred_at) DO NOTHING`,
  );
  // Every rule on: the worker's first pass turns the planted patterns into leads.
  await run(manager, sql`UPDATE monitoring_rule SET enabled = true WHERE NOT enabled`);
  log(
    `monitoring: a week of access and contact events (${control} new access events), six planted patterns, every rule enabled`,
  );
};
