import { CorruptionCategory } from '../src/common/domain/corruption-category.js';
import {
  AllegationResult,
  CaseType,
  ConductRegime,
  CriminalOutcome,
  IopcDecision,
  MisconductFinding,
  MisconductOutcome,
  Proceedings,
  ProceedingsResult,
  ReferralBasis,
  Severity,
} from '../src/modules/cases/cases.enums.js';
import { checkOutcome, missingForClosure, type OutcomeFacts } from '../src/modules/cases/outcome-rules.js';
import { financialYearOf, financialYearOfDate } from '../src/modules/figures/financial-year.js';
import { urgencyRank } from '../src/modules/intelligence/intelligence.rules.js';
import { seeded, type Random } from './helpers/random.js';
import { cloneDatabase, type TestDatabase } from './helpers/app.js';

/**
 * Rules written twice, once in SQL (src/modules/<module>/sql/) and once in TypeScript, compared on generated
 * inputs instead of being kept "in step" by hand: the financial year (cases' case_financial_year and figures'
 * financial-year.ts), the queue's urgency (intelligence_report_derive and urgencyRank), and what the referral
 * figures count for an outcome (referral_facts_of and the outcome rules). A seeded generator: a failure names
 * its seed.
 */
const SEED = Number(process.env.DATABASE_LOGIC_SEED ?? 20261207);

describe('rules written in SQL and TypeScript agree', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await cloneDatabase();
  });
  afterAll(() => db.drop());

  it('puts instants and dates in the same financial year (case_financial_year, financial-year.ts)', async () => {
    const r = seeded(SEED);
    const instants: Date[] = [];
    for (let year = 1995; year <= 2045; year++) {
      // Around London's midnight starting 1 April (BST or not), and around the clocks changing in March.
      for (const base of [Date.UTC(year, 2, 31, 22), Date.UTC(year, 2, 31, 23), Date.UTC(year, 3, 1, 0)]) {
        for (const minutes of [-61, -1, 0, 1, 59, 61]) instants.push(new Date(base + minutes * 60_000));
      }
      instants.push(new Date(Date.UTC(year, 2, r.int(20, 31), r.int(0, 3), r.int(0, 59))));
    }
    for (let i = 0; i < 300; i++)
      instants.push(
        new Date(Date.UTC(r.int(1990, 2050), 0, 1) + r.int(0, 366) * 86_400_000 + r.int(0, 86_399_999)),
      );
    const { rows } = await db.pool.query<{ fy: number; date: string; fy_of_date: number }>(
      `SELECT case_financial_year(t) AS fy, to_char(t AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS date,
              case_financial_year((t AT TIME ZONE 'Europe/London')::date) AS fy_of_date
         FROM unnest($1::timestamptz[]) WITH ORDINALITY AS x(t, n) ORDER BY n`,
      [instants.map((d) => d.toISOString())],
    );
    const differ = rows.flatMap((row, i) => {
      const want = { fy: financialYearOf(instants[i]), fy_of_date: financialYearOfDate(row.date) };
      const got = { fy: row.fy, fy_of_date: row.fy_of_date };
      return JSON.stringify(want) === JSON.stringify(got)
        ? []
        : [`${instants[i].toISOString()}: sql ${JSON.stringify(got)}, ts ${JSON.stringify(want)}`];
    });
    expect({ seed: SEED, differ }).toEqual({ seed: SEED, differ: [] });
  });

  it('ranks a report’s urgency the same (intelligence_report_derive, urgencyRank)', async () => {
    const r = seeded(SEED);
    const { rows: users } = await db.pool.query<{ id: string }>(
      `INSERT INTO app_user (email, display_name, password_hash, roles)
       VALUES ('logic@test.invalid', 'Logic', 'x', '{}') RETURNING id`,
    );
    const categories = Object.values(CorruptionCategory);
    const cases: { vulnerable: boolean; primary: CorruptionCategory; secondary: CorruptionCategory[] }[] = [];
    for (const vulnerable of [false, true]) {
      for (const primary of categories) cases.push({ vulnerable, primary, secondary: [] });
      for (let i = 0; i < 30; i++) {
        cases.push({
          vulnerable,
          primary: r.pick(categories),
          secondary: categories.filter(() => r.chance(0.2)),
        });
      }
    }
    const { rows } = await db.pool.query<{ n: string; urgency_rank: number }>(
      `INSERT INTO intelligence_report (reference, grading_scheme, handling_code, intelligence_assessment, narrative,
         primary_category, secondary_categories, vulnerable_person, receipt_method, received_at, recorded_by,
         source_evaluation, source_type)
       SELECT 'LOGIC-' || x.n, (enum_range(NULL::grading_scheme))[1], 'P', 'A', 'Generated narrative',
              x.primary_category, x.secondary_text::corruption_category[], x.vulnerable, (enum_range(NULL::intelligence_receipt_method))[1], now(), $4,
              'A', (enum_range(NULL::intelligence_source_type))[1]
         FROM unnest($1::corruption_category[], $2::bool[], $3::text[]) WITH ORDINALITY
              AS x(primary_category, vulnerable, secondary_text, n)
       RETURNING substr(reference, 7) AS n, urgency_rank`,
      [
        cases.map((c) => c.primary),
        cases.map((c) => c.vulnerable),
        cases.map((c) => `{${c.secondary.join(',')}}`),
        users[0].id,
      ],
    );
    const differ = rows.flatMap((row) => {
      const c = cases[Number(row.n) - 1];
      const want = urgencyRank(c.vulnerable, [c.primary, ...c.secondary]);
      return row.urgency_rank === want ? [] : [`${JSON.stringify(c)}: sql ${row.urgency_rank}, ts ${want}`];
    });
    expect(rows).toHaveLength(cases.length);
    expect({ seed: SEED, differ }).toEqual({ seed: SEED, differ: [] });
  });

  it('keeps each report’s duplicate_count equal to its pairs, through multi-row inserts and deletes (intelligence_duplicate_count)', async () => {
    const r = seeded(SEED + 1);
    const { rows: reports } = await db.pool.query<{ id: string }>(
      `SELECT id FROM intelligence_report WHERE reference LIKE 'LOGIC-%' ORDER BY reference`,
    );
    expect(reports.length).toBeGreaterThan(10);
    const pairs = new Set<string>();
    for (let round = 0; round < 12; round++) {
      // A batch of new pairs in one statement (a pair is stored once, either way round) ...
      const batch: [string, string][] = [];
      for (let i = 0; i < r.int(1, 8); i++) {
        const [a, b] = [r.pick(reports).id, r.pick(reports).id];
        if (a === b || pairs.has(`${a}|${b}`) || pairs.has(`${b}|${a}`)) continue;
        pairs.add(`${a}|${b}`);
        batch.push([a, b]);
      }
      await db.pool.query(
        `INSERT INTO intelligence_duplicate (report_id, related_report_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[])`,
        [batch.map((p) => p[0]), batch.map((p) => p[1])],
      );
      // ... and some of the stored ones deleted in one statement.
      const gone = [...pairs].filter(() => r.chance(0.25));
      for (const p of gone) pairs.delete(p);
      await db.pool.query(
        `DELETE FROM intelligence_duplicate WHERE (report_id::text || '|' || related_report_id::text) = ANY ($1)`,
        [gone],
      );
      const { rows: wrong } = await db.pool.query(
        `SELECT r.reference, r.duplicate_count,
                (SELECT count(*)::int FROM intelligence_duplicate d
                  WHERE d.report_id = r.id OR d.related_report_id = r.id) AS pairs
           FROM intelligence_report r
          WHERE r.duplicate_count <> (SELECT count(*) FROM intelligence_duplicate d
                                       WHERE d.report_id = r.id OR d.related_report_id = r.id)`,
      );
      expect({ seed: SEED + 1, round, wrong }).toEqual({ seed: SEED + 1, round, wrong: [] });
    }
    expect(pairs.size).toBeGreaterThan(0);
  });

  describe('referral facts of generated cases (referral_facts_of, outcome-rules.ts)', () => {
    const ALLEGATION_ORDER = [
      AllegationResult.Substantiated,
      AllegationResult.Unsubstantiated,
      AllegationResult.Unfounded,
      AllegationResult.MaliciousOrVexatious,
    ];

    /** What the figures count for one subject's confirmed outcome (null: none confirmed yet). */
    const misconductBucket = (type: CaseType, o: OutcomeFacts | null): string => {
      if (type === CaseType.Criminal) return 'not_applicable';
      if (!o?.misconductFinding) return 'pending';
      if (o.misconductFinding === MisconductFinding.NoCaseToAnswer) return 'no_case_to_answer';
      if (!o.proceedingsResult) return 'pending';
      if (o.proceedingsResult === ProceedingsResult.NotProven) return 'not_proven';
      if (o.misconductOutcome) return o.misconductOutcome;
      return o.wouldHaveBeenDismissed ? 'would_have_been_dismissed' : 'pending';
    };
    const criminalBucket = (type: CaseType, o: OutcomeFacts | null): string => {
      if (type === CaseType.Misconduct) return 'not_applicable';
      if (!o?.criminalOutcome || o.criminalOutcome === CriminalOutcome.Ongoing) return 'pending';
      return o.criminalOutcome;
    };

    /** An outcome the rules accept (checkOutcome finds nothing), built field by field at random. */
    function outcome(r: Random, type: CaseType, severity: Severity | null): OutcomeFacts {
      for (;;) {
        const left = r.chance(0.15) ? '2026-01-01' : null;
        const o: OutcomeFacts = {
          criminalOutcome: type === CaseType.Misconduct ? null : r.maybe(Object.values(CriminalOutcome)),
          misconductFinding: type === CaseType.Criminal ? null : r.maybe(Object.values(MisconductFinding)),
          proceedings: r.maybe(Object.values(Proceedings)),
          proceedingsResult: r.maybe(Object.values(ProceedingsResult)),
          misconductOutcome: r.maybe(Object.values(MisconductOutcome)),
          regime: ConductRegime.Regime2020,
          allegationResult: r.maybe(Object.values(AllegationResult)),
          leftService: left,
          wouldHaveBeenDismissed: left !== null && r.chance(0.5),
        };
        const ctx = { caseType: type, memberType: 'officer', regime: ConductRegime.Regime2020, severity };
        if (checkOutcome(o, ctx).length === 0) return o;
      }
    }

    it('counts what the outcome rules record, and nothing complete as pending', async () => {
      const r = seeded(SEED + 2);
      const { rows: people } = await db.pool.query<{ id: string }>(
        `INSERT INTO workforce_member (staff_number, given_name, family_name, member_type)
         SELECT 'LOGIC-' || g, 'Gen', 'Erated', 'officer' FROM generate_series(1, 6) g RETURNING id`,
      );
      const [{ id: user }] = (
        await db.pool.query<{ id: string }>(
          `INSERT INTO app_user (email, display_name, password_hash, roles)
           VALUES ('facts@test.invalid', 'Facts', 'x', '{}') RETURNING id`,
        )
      ).rows;
      interface Subject {
        member: string;
        outcome: OutcomeFacts | null;
        confirmed: boolean;
      }
      const made: { id: string; type: CaseType; finalised: boolean; subjects: Subject[] }[] = [];
      for (let i = 0; i < 150; i++) {
        const type = r.pick(Object.values(CaseType));
        const finalised = r.chance(0.5);
        const { rows } = await db.pool.query<{ id: string }>(
          `INSERT INTO case_record (reference, reference_year, reference_number, case_type, matter_type, allegation_summary,
             primary_category, categories, recorded_at, recorded_financial_year, next_update_due, pcc_report_due,
             created_by, status, finalised_at)
           VALUES ('LOGIC-' || $1::int, 9200, $1::int, $2, 'conduct_matter', 'Generated', 'drugs', '{}', now(), 0, now(), now(),
             $3, CASE WHEN $4 THEN 'closed' ELSE 'open' END::case_status, CASE WHEN $4 THEN now() END)
           RETURNING id`,
          [i + 1, type, user, finalised],
        );
        const id = rows[0].id;
        const subjects: Subject[] = people
          .filter(() => r.chance(0.35))
          .map((p) => {
            const severity = r.maybe(Object.values(Severity));
            return {
              member: p.id,
              outcome: r.chance(0.85) ? outcome(r, type, severity) : null,
              confirmed: r.chance(0.7),
            };
          });
        for (const s of subjects) {
          await db.pool.query(`INSERT INTO case_subject (case_id, workforce_member_id) VALUES ($1, $2)`, [
            id,
            s.member,
          ]);
          const o = s.outcome;
          if (!o) continue;
          await db.pool.query(
            `INSERT INTO case_subject_outcome (case_id, workforce_member_id, member_type, criminal_outcome,
               misconduct_finding, proceedings, proceedings_result, misconduct_outcome, regime, allegation_result,
               left_service, left_service_on, would_have_been_dismissed, recorded_by, recorded_financial_year,
               confirmed_at)
             VALUES ($1, $2, 'officer', $3, $4, $5, $6, $7, $8, $9, CASE WHEN $10::date IS NOT NULL THEN 'resigned' END::left_service,
               $10, $11, $12, 0, CASE WHEN $13 THEN now() END)`,
            [
              id,
              s.member,
              o.criminalOutcome,
              o.misconductFinding,
              o.proceedings,
              o.proceedingsResult,
              o.misconductOutcome,
              o.regime,
              o.allegationResult,
              o.leftService,
              o.wouldHaveBeenDismissed,
              user,
              s.confirmed,
            ],
          );
        }
        await db.pool.query(
          `INSERT INTO iopc_referral (case_id, referred_on, referred_financial_year, basis, decision, recorded_by)
           VALUES ($1, now(), 0, $2, $3, $4)`,
          [id, r.pick(Object.values(ReferralBasis)), r.maybe(Object.values(IopcDecision)), user],
        );
        made.push({ id, type, finalised, subjects });
      }

      const { rows } = await db.pool.query<{
        case_id: string;
        workforce_member_id: string | null;
        open: boolean;
        allegation: string;
        counts_referral: boolean;
        misconduct: string | null;
        criminal: string | null;
      }>(
        `SELECT case_id, workforce_member_id, open, allegation, counts_referral, misconduct, criminal
           FROM referral_facts_of($1::uuid[])`,
        [made.map((c) => c.id)],
      );
      const key = (c: string, m: string | null) => `${c} ${m ?? '-'}`;
      const got = new Map(rows.map((row) => [key(row.case_id, row.workforce_member_id), row]));
      const differ: string[] = [];
      let completePending = 0;
      for (const c of made) {
        const counted = c.subjects.map((s) => (s.confirmed ? s.outcome : null));
        const ranks = counted.map((o) =>
          o?.allegationResult ? ALLEGATION_ORDER.indexOf(o.allegationResult) : Infinity,
        );
        const best = Math.min(Infinity, ...ranks);
        const allegation = !c.finalised || best === Infinity ? 'pending' : ALLEGATION_ORDER[best];
        const members = c.subjects.map((s) => s.member).sort();
        const expected = (members.length ? members : [null]).map((m, i) => {
          const o = m === null ? null : counted[c.subjects.findIndex((s) => s.member === m)];
          return {
            case_id: c.id,
            workforce_member_id: m,
            open: !c.finalised,
            allegation,
            counts_referral: i === 0,
            misconduct: m === null ? null : misconductBucket(c.type, o),
            criminal: m === null ? null : criminalBucket(c.type, o),
          };
        });
        for (const want of expected) {
          const row = got.get(key(want.case_id, want.workforce_member_id));
          if (JSON.stringify(row) !== JSON.stringify(want)) {
            differ.push(`sql ${JSON.stringify(row)}\n  ts ${JSON.stringify(want)}`);
          }
          const o =
            want.workforce_member_id === null
              ? null
              : counted[c.subjects.findIndex((s) => s.member === want.workforce_member_id)];
          // An outcome the rules call complete (nothing missing for closure) is never counted as pending.
          if (
            o &&
            missingForClosure(o, c.type).length === 0 &&
            [want.misconduct, want.criminal].includes('pending')
          ) {
            completePending++;
          }
        }
      }
      expect({ seed: SEED + 2, facts: rows.length, differ }).toEqual({
        seed: SEED + 2,
        facts: [...made].reduce((n, c) => n + Math.max(1, c.subjects.length), 0),
        differ: [],
      });
      expect(completePending).toBe(0);
      // The generated cases reach every bucket of the figures at least once.
      const buckets = new Set(rows.flatMap((row) => [row.misconduct, row.criminal, row.allegation]));
      for (const b of [
        'pending',
        'no_case_to_answer',
        'not_proven',
        'not_applicable',
        'substantiated',
        'charged',
      ]) {
        expect([b, buckets.has(b)]).toEqual([b, true]);
      }
    });
  });
});
