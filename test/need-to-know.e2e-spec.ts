import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, memberViaApi, type Reply, type TestUser, userWith } from './helpers/http.js';
import { Arranger, forbiddenStrings, rand, type RecordsAbout, type Ref } from './helpers/need-to-know.js';

/**
 * Need to know (issue 22), tried as a hostile insider would: for a user linked to their own workforce record W
 * holding each role, every GET operation of openapi.json answers W's records exactly like missing ones, no
 * response body anywhere (lists, timelines, views, searches, figures, audit search, CSVs, errors) contains an id,
 * reference or text of a record about W, what they can see does not change when records about W are added, and
 * their edits leave the links to W's records in place. The operations come from openapi.json: a new GET route
 * fails the first test until it is given a coverage entry below (or, if it truly cannot be filled, a skip entry
 * that says why).
 */

const openapi = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const matrix = JSON.parse(readFileSync(new URL('./access-matrix.json', import.meta.url), 'utf8')) as Record<
  string,
  'public' | Role[]
>;
const GET_ROUTES = Object.entries(openapi.paths)
  .filter(([, methods]) => 'get' in methods)
  .map(([path]) => path);

/** The conflicted users: each linked to W. Auditor with analyst or supervisor is a combination being refused (issue 22, item 7). */
const PROFILES: { name: string; roles: Role[] }[] = [
  { name: 'analyst', roles: [Role.Analyst] },
  { name: 'supervisor', roles: [Role.Supervisor] },
  { name: 'vetting_officer', roles: [Role.VettingOfficer] },
  { name: 'auditor', roles: [Role.Auditor] },
  { name: 'admin', roles: [Role.Admin] },
  { name: 'supervisor+vetting_officer', roles: [Role.Supervisor, Role.VettingOfficer] },
];

/** What the suite knows when it fills routes. */
interface World {
  w: string;
  x: string;
  z: string;
  W: RecordsAbout;
  X: RecordsAbout;
  department: string;
  post: string;
  staffW: string;
  familyW: string;
  financialYear: string;
  userIds: string[];
  /** Monitoring flags about W and about X. */
  flagW: string;
  flagX: string;
}

interface Coverage {
  /** Ids in the path that name records about W: each must answer exactly like a uuid that names nothing. */
  hidden?: (w: World) => string[];
  /** Ids in the path of records the user may see (about X, or about others but pointing at W's): 200, scanned. */
  visible?: (w: World) => string[];
  /** Query strings tried (on each visible id, or on the bare route): 2xx, every page scanned. */
  queries?: (w: World) => string[];
  /** Pairs of query strings, one naming W or a record about W, one naming nothing: the same answer. */
  parity?: (w: World) => [string, string][];
  /** W's own id may appear here: the user's own account and its link (not a record about W). */
  mayNameW?: true;
  /** Why the route is left out of the before/after comparison. */
  changesWithReads?: string;
}

const MISSING = '00000000-0000-4000-8000-00000000dead';
const LIST = 'limit=200';
const FIGURE_QUERIES = (w: World): string[] => [
  '',
  'format=csv',
  `department=${w.department}`,
  'basis=finalised',
  'category=abuse_of_position_sexual',
  `from=${encodeURIComponent(w.financialYear)}&to=${encodeURIComponent(w.financialYear)}&format=csv`,
];

const reportsAboutW = (w: World): string[] => w.W.reports.map((r) => r.id);
const reportsVisible = (w: World): string[] => [
  ...w.X.reports.map((r) => r.id),
  w.W.linkTarget.id,
  w.W.referredToHiddenCase.id,
];
const casesAboutW = (w: World): string[] => w.W.cases.map((c) => c.id);
const casesVisible = (w: World): string[] => [
  ...w.X.cases.map((c) => c.id),
  w.W.openedFromHiddenReport.id,
  w.W.caseAboutOther.id,
];

/** Every GET operation of openapi.json, and how the suite fills it. */
const COVERAGE: Record<string, Coverage> = {
  '/health/live': { queries: () => [''] },
  '/health/ready': { queries: () => [''] },
  '/api/v1/auth/me': { queries: () => [''], mayNameW: true },
  '/api/v1/notifications': { queries: () => [LIST, `${LIST}&unread=true`] },
  '/api/v1/users': { queries: () => [LIST], mayNameW: true },
  '/api/v1/users/{id}': { visible: (w) => w.userIds, mayNameW: true },
  '/api/v1/audit/events': {
    queries: (w) => [
      LIST,
      `${LIST}&outcome=denied`,
      `${LIST}&action=case.create`,
      `${LIST}&workforceMemberId=${w.z}`,
      `${LIST}&resourceType=case`,
    ],
    parity: (w) => [
      [`workforceMemberId=${w.w}`, `workforceMemberId=${MISSING}`],
      [`resourceId=${w.W.cases[0].id}`, `resourceId=${MISSING}`],
      [`resourceId=${w.W.reports[0].id}`, `resourceId=${MISSING}`],
      [`resourceId=${w.W.clearanceIds[0]}`, `resourceId=${MISSING}`],
    ],
    changesWithReads: 'every read by the suite appends to the trail',
  },
  '/api/v1/audit/events.csv': {
    queries: (w) => ['', `workforceMemberId=${w.z}`],
    parity: (w) => [
      [`workforceMemberId=${w.w}`, `workforceMemberId=${MISSING}`],
      [`resourceId=${w.W.cases[0].id}`, `resourceId=${MISSING}`],
    ],
    changesWithReads: 'every read by the suite appends to the trail',
  },
  '/api/v1/audit/verify': {
    queries: () => [''],
    changesWithReads: 'counts the rows of the whole chain, which the suite’s reads extend',
  },
  '/api/v1/workforce/departments': { queries: () => [LIST] },
  '/api/v1/workforce/departments/{id}': { visible: (w) => [w.department] },
  '/api/v1/workforce/posts': { queries: (w) => [LIST, `departmentId=${w.department}`] },
  '/api/v1/workforce/posts/{id}': { visible: (w) => [w.post] },
  '/api/v1/workforce': {
    queries: (w) => [
      LIST,
      `${LIST}&staffNumberPrefix=COI-`,
      `${LIST}&vettingState=below_required`,
      `${LIST}&vettingState=overdue`,
      `${LIST}&postId=${w.post}`,
      `${LIST}&departmentId=${w.department}`,
    ],
    parity: (w) => [
      [`staffNumberPrefix=${w.staffW}`, `staffNumberPrefix=NONE${rand()}`],
      [`familyNamePrefix=${w.familyW}`, `familyNamePrefix=Nobody${rand()}`],
    ],
  },
  '/api/v1/directory/people': { queries: () => ['q=COI', 'q=co', 'q=a%20b'] },
  '/api/v1/directory/users': { queries: () => ['', 'role=analyst'] },
  '/api/v1/directory/departments': { queries: () => [''] },
  '/api/v1/directory/references/{reference}': {
    hidden: (w) => [...w.W.reports.map((r) => r.reference), ...w.W.cases.map((c) => c.reference)],
    visible: (w) => [...w.X.reports.map((r) => r.reference), ...w.X.cases.map((c) => c.reference)],
  },
  '/api/v1/workforce/{id}': { hidden: (w) => [w.w], visible: (w) => [w.x, w.z] },
  '/api/v1/workforce/{id}/profile': { hidden: (w) => [w.w], visible: (w) => [w.x, w.z] },
  '/api/v1/workforce/{workforceMemberId}/clearances': { hidden: (w) => [w.w], visible: (w) => [w.x, w.z] },
  '/api/v1/workforce/{workforceMemberId}/declarations': { hidden: (w) => [w.w], visible: (w) => [w.x, w.z] },
  '/api/v1/intelligence/queue': {
    queries: () => [
      LIST,
      `${LIST}&state=received`,
      `${LIST}&state=in_assessment`,
      `${LIST}&category=abuse_of_position_sexual`,
      `${LIST}&unassigned=true`,
    ],
  },
  '/api/v1/intelligence/queue/summary': { queries: () => [''] },
  '/api/v1/intelligence': {
    queries: () => [
      LIST,
      `${LIST}&state=received`,
      `${LIST}&assignee=me`,
      `${LIST}&category=abuse_of_position_sexual`,
      `${LIST}&unassigned=true`,
      `${LIST}&receivedFrom=2000-01-01`,
    ],
  },
  '/api/v1/intelligence/search': {
    queries: (w) => [
      `${LIST}&q=fictional`,
      `${LIST}&q=${w.staffW}`,
      `${LIST}&q=${w.familyW}`,
      `${LIST}&q=${w.W.marker}`,
      `${LIST}&q=${w.W.reports[0].reference}`,
    ],
    parity: (w) => [
      [`q=${w.W.marker}`, `q=ZQnothing${rand()}`],
      [`q=${w.W.reports[1].reference}`, `q=INT-1999-000001`],
    ],
  },
  '/api/v1/intelligence/{id}': { hidden: reportsAboutW, visible: reportsVisible },
  '/api/v1/vetting/clearances/{id}': {
    hidden: (w) => w.W.clearanceIds,
    visible: (w) => w.X.clearanceIds,
  },
  '/api/v1/vetting/alerts': {
    queries: (w) => [
      LIST,
      `${LIST}&status=open`,
      `${LIST}&kind=review_required`,
      `${LIST}&departmentId=${w.department}`,
    ],
    parity: (w) => [[`workforceMemberId=${w.w}`, `workforceMemberId=${MISSING}`]],
  },
  '/api/v1/vetting/alerts/{id}': { hidden: (w) => w.W.alertIds, visible: (w) => w.X.alertIds },
  '/api/v1/vetting/compliance': { queries: () => [''] },
  '/api/v1/vetting/rules': { queries: () => [''] },
  '/api/v1/cases': {
    queries: () => [
      LIST,
      `${LIST}&iopcDecision=local`,
      `${LIST}&referralRequired=true`,
      `${LIST}&category=abuse_of_position_sexual`,
      `${LIST}&status=under_investigation`,
    ],
    parity: (w) => [[`workforceMemberId=${w.w}`, `workforceMemberId=${MISSING}`]],
  },
  '/api/v1/cases/{id}': { hidden: casesAboutW, visible: casesVisible },
  '/api/v1/cases/{id}/timeline': { hidden: casesAboutW, visible: casesVisible, queries: () => [LIST] },
  // A PDF: scanned as the text pdftotext reads from it (see `get`).
  '/api/v1/cases/{id}/file.pdf': { hidden: casesAboutW, visible: casesVisible },
  '/api/v1/figures/referrals': { queries: FIGURE_QUERIES },
  '/api/v1/figures/cases': { queries: FIGURE_QUERIES },
  '/api/v1/figures/intelligence': { queries: FIGURE_QUERIES },
  '/api/v1/figures/vetting': { queries: (w) => ['', 'format=csv', `department=${w.department}`] },
  '/api/v1/figures/capacity': { queries: (w) => FIGURE_QUERIES(w).filter((q) => !q.startsWith('basis')) },
  '/api/v1/figures/returns/misconduct': {
    queries: (w) => {
      const year = `year=${encodeURIComponent(w.financialYear)}`;
      return [year, `${year}&format=csv`, `${year}&category=abuse_of_position_sexual&format=csv`];
    },
  },
  '/api/v1/monitoring/sources': { queries: () => [''] },
  '/api/v1/monitoring/rules': { queries: () => [''] },
  '/api/v1/monitoring/flags': { queries: () => [LIST, `${LIST}&ruleCode=self_lookup`] },
  '/api/v1/monitoring/flags/{id}': { hidden: (w) => [w.flagW], visible: (w) => [w.flagX] },
};

/**
 * GET operations the suite cannot fill, each with the reason. Empty today: every GET operation is covered.
 * An entry here must say why (e.g. `'/api/v1/x/{token}': 'takes a one-time token the API never shows'`).
 */
const SKIPPED: Record<string, string> = {};

const allowed = (route: string, roles: Role[]): boolean => {
  const rule = matrix[`GET ${route}`];
  return rule === 'public' || (Array.isArray(rule) && roles.some((r) => rule.includes(r)));
};
const fill = (route: string, id: string): string => route.replace(/\{(id|reference|workforceMemberId)\}/, id);
const withQuery = (url: string, query: string): string =>
  query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;

/**
 * What differs from one request to the next whatever the data: the correlation id, the instance, the clock (a
 * figure's `asAt`).
 */
const PER_REQUEST = new Set(['requestId', 'instance', 'generatedAt', 'asAt']);
/** A figure's "as of" instant (the time it was read) in a CSV answer: per request too. */
const CSV_INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/g;

/** An answer (every page of it) without what differs per request, as text, with `replace` applied. */
function normalised(pages: Reply | Reply[], replace: [string, string][] = []): string {
  return (Array.isArray(pages) ? pages : [pages])
    .map((res) => {
      let text =
        typeof res.body === 'object' && res.body !== null
          ? JSON.stringify(res.body, (k, v: unknown) => (PER_REQUEST.has(k) ? undefined : v))
          : String(res.headers['content-type'] ?? '').startsWith('text/csv')
            ? res.text.replace(CSV_INSTANT, '<instant>')
            : res.text;
      for (const [from, to] of replace) text = text.split(from).join(to);
      return `${res.status} ${String(res.headers['content-type'] ?? '').split(';')[0]} ${text}`;
    })
    .join('\n');
}

/**
 * A PDF answer (the case file) with its text as pdftotext reads it in place of its bytes, whose text streams
 * are compressed: the scans below read what the PDF shows. Other answers as they are.
 */
async function pdfAsText(res: Reply): Promise<Reply> {
  if (!String(res.headers['content-type'] ?? '').startsWith('application/pdf')) return res;
  const dir = await mkdtemp(join(tmpdir(), 'lantern-ntk-'));
  try {
    await writeFile(join(dir, 'file.pdf'), res.bytes);
    const { stdout } = await promisify(execFile)('pdftotext', [join(dir, 'file.pdf'), '-']);
    return { ...res, body: stdout, text: stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Where two texts first differ, with a little context on each side. */
function difference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 60);
  return `…${a.slice(from, i + 60)}… became …${b.slice(from, i + 60)}…`;
}

describe('need to know: a user linked to W learns nothing of the records about W', () => {
  let t: TestApp;
  let arrange: Arranger;
  let world: World;
  let forbidden: string[];
  const conflicted = new Map<string, TestUser>();
  let staff: { analyst: TestUser; supervisor: TestUser; vetting: TestUser; auditor: TestUser };

  const get = async (user: TestUser, url: string): Promise<Reply> =>
    pdfAsText(await call(t.app, 'GET', url, { token: user.token }));

  /** Every page of a list (following nextCursor): the pages, the first, and all their bodies as one text. */
  async function getAll(
    user: TestUser,
    url: string,
  ): Promise<{ first: Reply; pages: Reply[]; text: string }> {
    const pages = [await get(user, url)];
    for (let n = 0; n < 100; n++) {
      const last = pages[pages.length - 1];
      const cursor: unknown = last.status === 200 ? last.body?.nextCursor : null;
      if (typeof cursor !== 'string') break;
      pages.push(await get(user, withQuery(url, `cursor=${encodeURIComponent(cursor)}`)));
    }
    return { first: pages[0], pages, text: pages.map((p) => p.text).join('\n') };
  }

  /** The strings of `forbidden` (and W's own id unless the route may name it) found in `text`. */
  const leaks = (text: string, route: string): string[] => {
    const found = forbidden.filter((s) => text.includes(s));
    if (!COVERAGE[route].mayNameW && text.includes(world.w)) found.push(`W's id ${world.w}`);
    return found;
  };

  /** The URLs scanned for a route: its queries on each visible id, or on the bare route. */
  const scanUrls = (route: string): string[] => {
    const c = COVERAGE[route];
    const queries = c.queries?.(world) ?? [''];
    const bases = /\{(id|reference|workforceMemberId)\}/.test(route)
      ? (c.visible?.(world) ?? []).map((id) => fill(route, id))
      : [route];
    return bases.flatMap((base) => queries.map((q) => withQuery(base, q)));
  };

  const auditSeq = async (): Promise<string> =>
    (await t.db.pool.query<{ s: string }>(`SELECT COALESCE(max(seq), 0)::text AS s FROM audit_event`)).rows[0]
      .s;
  const auditAfter = async (seq: string, userId: string) =>
    (
      await t.db.pool.query<{
        action: string;
        outcome: string;
        resource_type: string;
        subject_ids: string[];
      }>(
        `SELECT action, outcome::text, resource_type, subject_ids::text[] AS subject_ids
           FROM audit_event WHERE seq > $1 AND user_id = $2 ORDER BY seq`,
        [seq, userId],
      )
    ).rows;

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    staff = {
      analyst: await userWith(t, [Role.Analyst]),
      supervisor: await userWith(t, [Role.Supervisor]),
      vetting: await userWith(t, [Role.VettingOfficer]),
      auditor: await userWith(t, [Role.Auditor]),
    };
    arrange = new Arranger({ t, ...staff });
    const v = staff.vetting.token;
    const dep = await call(t.app, 'POST', '/api/v1/workforce/departments', {
      token: v,
      body: { code: 'COI', name: 'Need to know' },
    });
    const post = await call(t.app, 'POST', '/api/v1/workforce/posts', {
      token: v,
      body: { code: 'COI-DS', title: 'Detective Sergeant', departmentId: dep.body.id, requiredLevel: 'MV' },
    });
    const placed = { departmentId: dep.body.id, postId: post.body.id };
    const familyW = `Wexford${rand()}`;
    const w = await memberViaApi(t, v, 'COI-W1', { ...placed, givenName: 'Wanda', familyName: familyW });
    const x = await memberViaApi(t, v, 'COI-X1', { ...placed, givenName: 'Xavier', familyName: 'Xenos' });
    const z = await memberViaApi(t, v, 'COI-Z1', { ...placed, givenName: 'Zelda', familyName: 'Zorn' });
    const W = await arrange.about(w, z, 'W');
    const X = await arrange.about(x, z, 'X');
    for (const p of PROFILES) conflicted.set(p.name, await userWith(t, p.roles, { workforceMemberId: w }));
    // Reminders raised for every conflicted user about W's and X's cases and reports (as if raised before the
    // link): the inbox must show X's and hide W's.
    const recipients = [...conflicted.values()].map((u) => u.id);
    await t.db.pool.query(
      `INSERT INTO notification (kind, record_type, record_id, reference, due_on, recipient_id, raised_on)
       SELECT 'subject_update_due'::notification_kind, 'case'::notification_record_type, c.id, c.reference,
              '2026-01-01'::date, u, '2026-01-01'::date
         FROM case_record c, unnest($1::uuid[]) u WHERE c.id = ANY($2::uuid[])
       UNION ALL
       SELECT 'assessment_target_due'::notification_kind, 'intelligence_report'::notification_record_type, r.id,
              r.reference, '2026-01-01'::date, u, '2026-01-01'::date
         FROM intelligence_report r, unnest($1::uuid[]) u WHERE r.id = ANY($3::uuid[])`,
      [recipients, [...W.cases, ...X.cases].map((c) => c.id), [...W.reports, ...X.reports].map((r) => r.id)],
    );
    const flag = async (member: string) =>
      (
        await t.db.pool.query<{ id: string }>(
          `INSERT INTO monitoring_flag (rule_code, member_id, window_start, window_end, reason, event_count, events)
           VALUES ('self_lookup', $1, '2026-06-01', '2026-06-01', 'Looked up records naming themselves', 1, '[]')
           RETURNING id`,
          [member],
        )
      ).rows[0].id;
    const flagW = await flag(w);
    const flagX = await flag(x);
    const now = new Date();
    const fyStart = now.getUTCMonth() >= 3 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
    world = {
      w,
      x,
      z,
      W,
      X,
      department: dep.body.id,
      post: post.body.id,
      staffW: 'COI-W1',
      familyW,
      financialYear: `${fyStart}/${String((fyStart + 1) % 100).padStart(2, '0')}`,
      userIds: [...conflicted.values(), staff.analyst].map((u) => u.id),
      flagW,
      flagX,
    };
    forbidden = await forbiddenStrings(t, W);
  });
  afterAll(() => t.close());

  it('arranged the records about W the suite relies on', () => {
    expect(world.W.reports).toHaveLength(4);
    expect(world.W.alertIds.length).toBeGreaterThanOrEqual(2); // the declaration's and the outcome's
    expect(forbidden.length).toBeGreaterThan(40);
  });

  it('covers every GET operation of openapi.json (or skips it with a reason), and nothing else', () => {
    const known = [...Object.keys(COVERAGE), ...Object.keys(SKIPPED)].sort();
    expect(known).toEqual([...GET_ROUTES].sort());
    for (const [route, reason] of Object.entries(SKIPPED))
      expect({ route, reason }).not.toEqual({ route, reason: '' });
  });

  describe.each(PROFILES)('$name linked to W', ({ name, roles }) => {
    const user = (): TestUser => conflicted.get(name) as TestUser;
    const routes = (): string[] => GET_ROUTES.filter((r) => COVERAGE[r] && allowed(r, roles));

    it('answers every id of a record about W exactly like an id that names nothing', async () => {
      const unequal: string[] = [];
      for (const route of routes()) {
        for (const id of COVERAGE[route].hidden?.(world) ?? []) {
          const missing = randomUUID();
          const hidden = await get(user(), fill(route, id));
          const absent = await get(user(), fill(route, missing));
          const a = normalised(hidden, [[id, '<id>']]);
          const b = normalised(absent, [[missing, '<id>']]);
          if (a !== b) unequal.push(`${route} with ${id}: ${a} ≠ ${b}`);
        }
      }
      expect(unequal).toEqual([]);
    });

    it('audits a refused read of a record about W like a missing one, naming W', async () => {
      const unequal: string[] = [];
      for (const route of routes()) {
        for (const id of COVERAGE[route].hidden?.(world) ?? []) {
          const s1 = await auditSeq();
          await get(user(), fill(route, id));
          const hiddenRows = await auditAfter(s1, user().id);
          const s2 = await auditSeq();
          await get(user(), fill(route, randomUUID()));
          const missingRows = await auditAfter(s2, user().id);
          const shape = (rows: typeof hiddenRows) =>
            rows.map((r) => `${r.action}/${r.outcome}/${r.resource_type}`);
          if (JSON.stringify(shape(hiddenRows)) !== JSON.stringify(shape(missingRows))) {
            unequal.push(
              `${route} ${id}: ${shape(hiddenRows).join(',') || 'no row'} ≠ ${shape(missingRows).join(',') || 'no row'}`,
            );
          }
          if (!hiddenRows.some((r) => r.outcome === 'denied' && r.subject_ids.includes(world.w))) {
            unequal.push(`${route} ${id}: no denied row naming W`);
          }
        }
      }
      expect(unequal).toEqual([]);
    });

    it('mentions no record about W in any body (lists, views, timelines, searches, figures, CSVs, errors)', async () => {
      const found: string[] = [];
      for (const route of routes()) {
        for (const url of scanUrls(route)) {
          const { first, text } = await getAll(user(), url);
          if (first.status >= 300) found.push(`${url}: ${first.status} ${first.text.slice(0, 200)}`);
          const leaked = leaks(text, route);
          if (leaked.length) found.push(`${url}: ${leaked.join(', ')}`);
        }
      }
      expect(found).toEqual([]);
    });

    it('answers a filter or search naming W or a record about W like one naming nothing', async () => {
      const unequal: string[] = [];
      for (const route of routes()) {
        for (const [aboutW, nothing] of COVERAGE[route].parity?.(world) ?? []) {
          const valueOf = (q: string) => decodeURIComponent(q.slice(q.indexOf('=') + 1));
          const a = await getAll(user(), withQuery(route, aboutW));
          const b = await getAll(user(), withQuery(route, nothing));
          const na = normalised(a.pages, [[valueOf(aboutW), '<v>']]);
          const nb = normalised(b.pages, [[valueOf(nothing), '<v>']]);
          if (na !== nb) unequal.push(`${route}?${aboutW}: ${na.slice(0, 300)} ≠ ${nb.slice(0, 300)}`);
          const leaked = leaks(a.text, route);
          if (leaked.length) unequal.push(`${route}?${aboutW} names ${leaked.join(', ')}`);
        }
      }
      expect(unequal).toEqual([]);
    });

    it('still sees the records about X (the suite fills the routes with ids that work)', async () => {
      const wrong: string[] = [];
      for (const route of routes()) {
        for (const id of COVERAGE[route].visible?.(world) ?? []) {
          const res = await get(user(), fill(route, id));
          if (res.status !== 200) wrong.push(`${fill(route, id)}: ${res.status}`);
        }
      }
      const expectations: [string, string][] = [
        ['/api/v1/intelligence/queue', world.X.reports[0].id],
        ['/api/v1/intelligence', world.X.reports[0].id],
        ['/api/v1/intelligence/search', world.X.reports[0].id],
        ['/api/v1/cases', world.X.cases[0].id],
        ['/api/v1/vetting/alerts', world.X.alertIds[0]],
        ['/api/v1/notifications', world.X.cases[0].id],
        ['/api/v1/workforce', world.x],
        ['/api/v1/audit/events', world.X.cases[0].id],
      ];
      for (const [route, id] of expectations) {
        if (!allowed(route, roles)) continue;
        const query = route.endsWith('/search') ? `${LIST}&q=${world.X.marker}` : LIST;
        const { text } = await getAll(user(), withQuery(route, query));
        if (!text.includes(id)) wrong.push(`${route}: ${id} about X not listed`);
      }
      expect(wrong).toEqual([]);
    });
  });

  describe('what a conflicted user sees does not depend on the records about W', () => {
    const snapshot = async (): Promise<Map<string, string>> => {
      const out = new Map<string, string>();
      for (const p of PROFILES) {
        const u = conflicted.get(p.name) as TestUser;
        // The routes that list, search, count or summarise (no id in the path): where a record about W could
        // show as a count, a share, an age or a position in a list without its id.
        for (const route of GET_ROUTES.filter(
          (r) => COVERAGE[r] && allowed(r, p.roles) && !r.includes('{'),
        )) {
          const c = COVERAGE[route];
          if (c.changesWithReads) continue;
          const urls = [...scanUrls(route), ...(c.parity?.(world) ?? []).map(([q]) => withQuery(route, q))];
          for (const url of urls) {
            out.set(`${p.name} ${url}`, normalised((await getAll(u, url)).pages));
          }
        }
      }
      return out;
    };

    it('answers the same before and after a report, a case with a referral, a clearance and a declaration about W', async () => {
      const unrestricted = async (): Promise<string> =>
        normalised([
          await get(staff.supervisor, '/api/v1/intelligence/queue/summary'),
          await get(staff.supervisor, '/api/v1/figures/referrals'),
          await get(staff.supervisor, '/api/v1/vetting/compliance'),
        ]);
      const before = await snapshot();
      const unrestrictedBefore = await unrestricted();
      const marker = `ZQlater${rand()}`;
      const r = await arrange.report(marker, [world.w]);
      const c = await arrange.createCase(marker, [world.w], { intelligenceReportIds: [r.id] });
      const referral = await call(t.app, 'POST', `/api/v1/cases/${c.id}/referral`, {
        token: staff.analyst.token,
        body: { referredOn: '2026-11-20', basis: 'mandatory' },
      });
      expect(referral.status).toBe(201);
      await arrange.clearance(world.w, 'MV', '2026-11-20');
      await arrange.declaration(world.w, marker);
      const after = await snapshot();
      // The additions do show to a user with no link to W (else this test would prove nothing).
      expect(await unrestricted()).not.toBe(unrestrictedBefore);
      const changed = [...before.keys()]
        .filter((k) => before.get(k) !== after.get(k))
        .map((k) => `${k}: ${difference(before.get(k) ?? '', after.get(k) ?? '')}`);
      expect(changed).toEqual([]);
      forbidden = await forbiddenStrings(t, world.W);
      forbidden.push(marker, r.id, r.reference, c.id, c.reference);
    });
  });

  describe('edits by a conflicted user leave the hidden links in place', () => {
    const other = (): string => world.z;

    it.each(['analyst', 'supervisor'])(
      'a conflicted %s replacing a case’s intelligence links keeps the link to the report about W',
      async (name) => {
        const u = conflicted.get(name) as TestUser;
        const hidden = await arrange.report(`ZQhid${rand()}`, [world.w]);
        const v1 = await arrange.report(`v${rand()}`, [other()]);
        const v2 = await arrange.report(`v${rand()}`, [other()]);
        const c = await arrange.createCase(`c${rand()}`, [other()], {
          primaryCategory: 'drugs',
          intelligenceReportIds: [hidden.id, v1.id],
        });
        const seen = await get(u, `/api/v1/cases/${c.id}`);
        expect(seen.status).toBe(200);
        expect(seen.body.intelligenceReportIds).toEqual([v1.id]);
        const edit = await arrange.patchCase(u, c.id, {
          version: seen.body.version,
          intelligenceReportIds: [v2.id],
        });
        expect({ status: edit.status, leaked: edit.text.includes(hidden.id) }).toEqual({
          status: 200,
          leaked: false,
        });
        const after = await arrange.getCase(c.id);
        expect([...after.intelligenceReportIds].sort()).toEqual([hidden.id, v2.id].sort());
        // The audit row of the edit names the links added and removed.
        const { rows } = await t.db.pool.query<{ details: unknown }>(
          `SELECT details FROM audit_event WHERE resource_id = $1 AND user_id = $2 AND outcome = 'allowed'
              AND action NOT IN ('case.read', 'case.timeline')
            ORDER BY seq DESC LIMIT 1`,
          [c.id, u.id],
        );
        const details = JSON.stringify(rows[0]?.details ?? null);
        expect({ added: details.includes(v2.id), removed: details.includes(v1.id) }).toEqual({
          added: true,
          removed: true,
        });
      },
    );

    it.each(['analyst', 'supervisor'])(
      'a conflicted %s replacing a report’s linked reports keeps the link to the report about W',
      async (name) => {
        const u = conflicted.get(name) as TestUser;
        const hidden = await arrange.report(`ZQhid${rand()}`, [world.w]);
        const v1 = await arrange.report(`v${rand()}`, [other()]);
        const v2 = await arrange.report(`v${rand()}`, [other()]);
        const r = await arrange.report(`r${rand()}`, [other()], { linkedReportIds: [hidden.id, v1.id] });
        // An analyst changes the reports they recorded or are assigned: this one is assigned to them.
        if (name === 'analyst') await arrange.assign(r.id, u.id);
        const seen = await get(u, `/api/v1/intelligence/${r.id}`);
        expect(seen.status).toBe(200);
        expect(seen.body.linkedReports.map((l: Ref) => l.id)).toEqual([v1.id]);
        const edit = await arrange.patchReport(u, r.id, {
          version: seen.body.version,
          linkedReportIds: [v2.id],
        });
        expect({ status: edit.status, leaked: edit.text.includes(hidden.id) }).toEqual({
          status: 200,
          leaked: false,
        });
        const after = await arrange.getReport(r.id);
        expect(after.linkedReports.map((l: Ref) => l.id).sort()).toEqual([hidden.id, v2.id].sort());
      },
    );

    it('a conflicted supervisor editing the links of a case a report about W was referred to: no 409 telling of it, the referral link kept', async () => {
      const u = conflicted.get('supervisor') as TestUser;
      const c = await arrange.createCase(`c${rand()}`, [other()], { primaryCategory: 'drugs' });
      const hidden = await arrange.report(`ZQhid${rand()}`, [world.w]);
      await arrange.review(hidden.id, { decision: 'referred_to_case', caseId: c.id }, 'referred_to_case');
      const v1 = await arrange.report(`v${rand()}`, [other()]);
      const seen = await get(u, `/api/v1/cases/${c.id}`);
      expect(seen.status).toBe(200);
      expect(seen.text).not.toContain(hidden.id);
      const edit = await arrange.patchCase(u, c.id, {
        version: seen.body.version,
        intelligenceReportIds: [v1.id],
      });
      expect({ status: edit.status, code: edit.body?.code }).toEqual({ status: 200, code: undefined });
      const after = await arrange.getCase(c.id);
      expect([...after.intelligenceReportIds].sort()).toEqual([hidden.id, v1.id].sort());
    });
  });

  describe('separation of duties: a conflicted vetting officer cannot change what W is held to', () => {
    it('refuses a change of W’s post’s required level, leaving it in place', async () => {
      const u = conflicted.get('vetting_officer') as TestUser;
      const post = await get(staff.vetting, `/api/v1/workforce/posts/${world.post}`);
      const lowered = await call(t.app, 'PATCH', `/api/v1/workforce/posts/${world.post}`, {
        token: u.token,
        body: { version: post.body.version, requiredLevel: 'RV' },
      });
      expect(lowered.status).toBeGreaterThanOrEqual(400);
      expect(lowered.status).toBeLessThan(500);
      const after = await get(staff.vetting, `/api/v1/workforce/posts/${world.post}`);
      if (after.body.requiredLevel !== 'MV') {
        // Put it back for the tests that follow, then fail.
        await call(t.app, 'PATCH', `/api/v1/workforce/posts/${world.post}`, {
          token: staff.vetting.token,
          body: { version: after.body.version, requiredLevel: 'MV' },
        });
      }
      expect(after.body.requiredLevel).toBe('MV');
    });

    it('answers a change of W’s own record like a missing one, with a denied row naming W', async () => {
      const u = conflicted.get('vetting_officer') as TestUser;
      const s = await auditSeq();
      const own = await call(t.app, 'PATCH', `/api/v1/workforce/${world.w}`, {
        token: u.token,
        body: { version: 1, rankOrGrade: 'DI' },
      });
      const missing = randomUUID();
      const absent = await call(t.app, 'PATCH', `/api/v1/workforce/${missing}`, {
        token: u.token,
        body: { version: 1, rankOrGrade: 'DI' },
      });
      expect(normalised(own, [[world.w, '<id>']])).toBe(normalised(absent, [[missing, '<id>']]));
      const rows = await auditAfter(s, u.id);
      expect(rows.filter((r) => r.outcome === 'denied' && r.subject_ids.includes(world.w))).toHaveLength(1);
    });
  });

  it('gives references that do not enumerate the reports about W between two the analyst recorded', async () => {
    const u = conflicted.get('analyst') as TestUser;
    const record = async (user: TestUser, subject: string): Promise<Ref> => {
      const res = await call(t.app, 'POST', '/api/v1/intelligence', {
        token: user.token,
        body: {
          receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
          receiptMethod: 'telephone',
          sourceType: 'colleague',
          grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
          primaryCategory: 'drugs',
          narrative: 'Fictional narrative for the reference test',
          subjects: [{ workforceMemberId: subject, role: 'subject' }],
        },
      });
      expect(res.status).toBe(201);
      return res.body;
    };
    const first = await record(u, world.z);
    const hidden = await record(staff.analyst, world.w);
    const second = await record(u, world.z);
    const seq = (ref: string): number | null => {
      const m = /^INT-\d{4}-(\d+)$/.exec(ref);
      return m ? Number(m[1]) : null;
    };
    const [a, h, b] = [first.reference, hidden.reference, second.reference].map(seq);
    // With gap-free numbers the analyst reads the hidden report's reference off the gap between theirs.
    const enumerable = a !== null && h !== null && b !== null && a < h && h < b && b - a <= 2;
    expect({ first: first.reference, second: second.reference, enumerable }).toMatchObject({
      enumerable: false,
    });
  });
});
