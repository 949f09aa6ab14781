import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { CorruptionCategory } from '../src/common/domain/corruption-category.js';
import { decodeCursor, encodeCursor } from '../src/common/pagination.js';
import type { AppConfig } from '../src/config/app-config.js';
import { connectionOptions } from '../src/database/data-source.js';
import { db as kysely } from '../src/database/sql.js';
import { parseFinancialYear } from '../src/modules/figures/financial-year.js';
import { referralFiguresQuery } from '../src/modules/figures/year-figures.repository.js';

/*
 * The raw SQL the baselines run: the bench's own copies of what Lantern's endpoints do (the baseline is the
 * plain SQL as it was written for them), so that the product holds no SQL for the bench's sake.
 */

/** Lantern's audit insert (audit_event_pending; a deferred trigger seals it into the chain at commit). */
export const AUDIT_INSERT_SQL = `INSERT INTO audit_event_pending (user_id, roles, action, resource_type, resource_id, subject_ids, outcome, request_id, client_address, details)
      VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7, $8, $9, $10)`;

/** The intelligence queue's open states, on a report aliased `r`. */
export const OPEN_SQL = `r.state IN ('received', 'in_assessment', 'awaiting_review', 'development')`;

/** The subjects of report `r` as a JSON array, as a queue item shows them. */
const SUBJECTS_JSON = `(SELECT COALESCE(json_agg(json_build_object('workforceMemberId', s.workforce_member_id,
    'role', s.role, 'staffNumber', w.staff_number, 'givenName', w.given_name, 'familyName', w.family_name)
    ORDER BY s.role, w.family_name, w.id), '[]'::json)
  FROM intelligence_subject s JOIN workforce_member w ON w.id = s.workforce_member_id WHERE s.report_id = r.id)`;

/**
 * The possible duplicates of report `r` (either direction), every one of them (no caller to hide any from),
 * looked for only where the report has some (its stored duplicate_count), as Lantern does.
 */
const DUPLICATES_JSON = `CASE WHEN r.duplicate_count = 0 THEN '[]'::json ELSE
  (SELECT COALESCE(json_agg(json_build_object('id', o.id,
    'reference', o.reference) ORDER BY o.received_at, o.id), '[]'::json)
  FROM intelligence_duplicate d
  JOIN intelligence_report o ON o.id = CASE WHEN d.report_id = r.id THEN d.related_report_id ELSE d.report_id END
  WHERE (d.report_id = r.id OR d.related_report_id = r.id) AND TRUE) END`;

/** A queue item's own columns. */
const ITEM_COLUMNS = `r.id, r.reference, r.state, r.received_at, r.primary_category,
  r.secondary_categories::text[] AS secondary_categories, r.grading_scheme, r.source_evaluation,
  r.intelligence_assessment, r.handling_code, r.vulnerable_person, r.urgency_rank, r.assignee_id,
  r.review_date::text AS review_date`;

/** Work on one client of a plain pg pool in one transaction (the raw routes, and the bench's seeding). */
export async function inPgTransaction<T>(db: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** Work on one client of a plain pg pool, each statement its own transaction (no BEGIN/COMMIT). */
export async function onPgClient<T>(db: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

/** The values of Lantern's own audit insert (AUDIT_INSERT_SQL) as the bench writes it: no caller, no client. */
export function rawAuditValues(
  action: string,
  resourceType: string,
  subjectIds: string[],
  details: object,
): unknown[] {
  return [null, [], action, resourceType, null, subjectIds, 'allowed', 'bench-raw', null, details];
}

/** The body of POST /api/v1/intelligence, and who records it (the raw route has no caller). */
interface PlainReport {
  receivedAt: string;
  receiptMethod: string;
  sourceType: string;
  sourceDetails?: string;
  grading: { scheme: string; sourceEvaluation: string; intelligenceAssessment: string; handlingCode: string };
  primaryCategory: string;
  secondaryCategories?: string[];
  vulnerablePerson?: boolean;
  vulnerablePersonNote?: string;
  narrative: string;
  recordedBy: string;
}

/**
 * Bare Fastify routes in the API's own process (bench/api.ts adds them to the app it builds) that do
 * the same work as a Lantern endpoint written as raw SQL on a plain pg pool (same keyset query, same audit
 * insert), with none of Nest, TypeORM, validation or the guard. Lantern's endpoints are measured against them
 * in the same run. The read routes run their work in one transaction, as issue #9 defines the baseline; with
 * `?autocommit=1` they run it without BEGIN/COMMIT, as Lantern's audited reads do (`Transactions.read`), so
 * that the bench can also show Lantern against the fastest raw form of the same work. Never enabled in
 * production.
 */
export function registerBaselines(fastify: FastifyInstance, config: AppConfig): void {
  const db = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    // The same session settings as the API's own connections (JIT off), so the raw side pays no compile cost
    // Lantern does not.
    options: connectionOptions({ forApi: true }),
  });
  fastify.addHook('onClose', async () => db.end());

  type Raw = { Querystring: { cursor?: string; autocommit?: string } };
  /** The route's work in one transaction, or with `?autocommit=1` on one connection without BEGIN/COMMIT. */
  const reading = <T>(
    request: { query: Raw['Querystring'] },
    work: (c: pg.PoolClient) => Promise<T>,
  ): Promise<T> => (request.query.autocommit ? onPgClient(db, work) : inPgTransaction(db, work));
  const audit = (
    c: pg.PoolClient,
    action: string,
    resourceType: string,
    subjectIds: string[],
    details: object,
  ) => c.query(AUDIT_INSERT_SQL, rawAuditValues(action, resourceType, subjectIds, details));

  // The users list (admin), first page of 50: keyset on (email, id) + the audit insert.
  fastify.get<Raw>('/bench/raw/users', async (request) =>
    reading(request, async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `SELECT u.id, u.email, u.display_name, u.roles::text[] AS roles, u.enabled, u.workforce_member_id,
                u.locked_until, u.version, u.created_at, u.updated_at
           FROM app_user u ORDER BY u.email, u.id LIMIT 51`,
      );
      await audit(c, 'user.list', 'user', [], { returned: rows.slice(0, 50).map((r) => r.id) });
      return { items: rows.slice(0, 50), nextCursor: null };
    }),
  );

  // The audit trail search (auditor), first page: keyset on seq + the audit insert.
  fastify.get<Raw>('/bench/raw/audit-events', async (request) =>
    reading(request, async (c) => {
      const { rows } = await c.query(
        `SELECT e.seq, e.occurred_at, e.user_id, e.roles, e.action, e.resource_type, e.resource_id, e.subject_ids,
                e.outcome, e.request_id, e.client_address, e.details
           FROM audit_event e ORDER BY e.seq DESC LIMIT 51`,
      );
      await audit(c, 'audit.search', 'audit_event', [], { filter: {}, returned: Math.min(rows.length, 50) });
      return { items: rows.slice(0, 50), nextCursor: null };
    }),
  );

  // The intelligence queue page: the same keyset query (urgency, age) with subjects and possible duplicates for
  // the page, and the same audit insert (returned and subject ids).
  fastify.get<Raw>('/bench/raw/queue', async (request) =>
    reading(request, async (c) => {
      const after = request.query.cursor ? decodeCursor(request.query.cursor, 3) : null;
      const { rows } = await c.query<{
        id: string;
        subjects: { workforceMemberId: string }[];
        k0: string;
        k1: string;
        k2: string;
      }>(
        `SELECT ${ITEM_COLUMNS}, ${SUBJECTS_JSON} AS subjects, ${DUPLICATES_JSON} AS duplicates,
                r.urgency_rank::text AS k0, r.received_at::text AS k1, r.id::text AS k2
           FROM intelligence_report r
          WHERE ${OPEN_SQL} ${after ? 'AND (r.urgency_rank, r.received_at, r.id) > ($1::int, $2::timestamptz, $3::uuid)' : ''}
          ORDER BY r.urgency_rank, r.received_at, r.id LIMIT 51`,
        after ?? [],
      );
      const page = rows.slice(0, 50);
      await audit(
        c,
        'intelligence.queue',
        'intelligence_report',
        [...new Set(page.flatMap((r) => r.subjects.map((s) => s.workforceMemberId)))],
        { returned: page.map((r) => r.id) },
      );
      const last = page[page.length - 1];
      return {
        items: page,
        nextCursor: rows.length > 50 && last ? encodeCursor([last.k0, last.k1, last.k2]) : null,
      };
    }),
  );

  // The referrals figure (recorded basis; the same query string as GET /api/v1/figures/referrals, years as
  // `2016/17`, optionally one category): its SQL aggregate and the audit insert at once on two connections,
  // as `Transactions.read` runs a read and its audit. Timed under load beside that endpoint, where the cost of an HTTP
  // request is on both sides.
  fastify.get<{ Querystring: { from: string; to: string; category?: CorruptionCategory } }>(
    '/bench/raw/figures/referrals',
    async (request) => {
      const q = request.query;
      const query = referralFiguresQuery({
        from: parseFinancialYear(q.from) ?? 0,
        to: parseFinancialYear(q.to) ?? 0,
        basis: 'recorded',
        category: q.category ?? null,
      }).compile(kysely);
      const details = { from: q.from, to: q.to, category: q.category ?? null };
      const [{ rows }] = await Promise.all([
        db.query(query.sql, [...query.parameters]),
        db.query(AUDIT_INSERT_SQL, rawAuditValues('figures.referrals', 'figures', [], details)),
      ]);
      return { rows };
    },
  );

  // The same report as POST /api/v1/intelligence records (the same JSON body, the same columns, so the same
  // indexes and trigger), inserted plainly: no reference counter, no duplicate check, no audit row, no validation.
  // The difference is what recording costs on top of the insert. With `?prepared=1` the insert is a prepared
  // statement, as Lantern's is (`Transactions.write` of one statement), so the bench also shows that fastest raw form.
  fastify.post<{ Body: PlainReport; Querystring: { prepared?: string } }>(
    '/bench/raw/intelligence',
    async (request) => {
      const b = request.body;
      const { rows } = await db.query<{ id: string }>({
        name: request.query.prepared === '1' ? 'bench_raw_intelligence' : undefined,
        text: `INSERT INTO intelligence_report (reference, received_at, receipt_method, source_type, source_details,
          grading_scheme, source_evaluation, intelligence_assessment, handling_code, handling_conditions,
          primary_category, secondary_categories, vulnerable_person, vulnerable_person_note, narrative, recorded_by)
       VALUES ('RAW-' || substr(md5(random()::text), 1, 11), $1, $2, $3, $4, $5, $6, $7, $8, NULL, $9,
               $10::corruption_category[], $11, $12, $13, $14)
       RETURNING id, reference, state, received_at, receipt_method, source_type, source_details, grading_scheme,
                 source_evaluation, intelligence_assessment, handling_code, handling_conditions, primary_category,
                 secondary_categories::text[] AS secondary_categories, vulnerable_person, vulnerable_person_note,
                 narrative, urgency_rank, recorded_by, assignee_id, version, created_at, updated_at`,
        values: [
          b.receivedAt,
          b.receiptMethod,
          b.sourceType,
          b.sourceDetails ?? null,
          b.grading.scheme,
          b.grading.sourceEvaluation,
          b.grading.intelligenceAssessment,
          b.grading.handlingCode,
          b.primaryCategory,
          b.secondaryCategories ?? [],
          b.vulnerablePerson ?? false,
          b.vulnerablePersonNote ?? null,
          b.narrative,
          b.recordedBy,
        ],
      });
      return rows[0];
    },
  );
}
