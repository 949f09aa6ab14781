import { randomBytes } from 'node:crypto';
import type { TestApp } from './app.js';
import { call, type Reply, type TestUser } from './http.js';

/**
 * Arrangement for the conflict-of-interest suite (test/need-to-know.e2e-spec.ts): a rich set of records about
 * one workforce member, made through the API as the unit's ordinary (unconflicted) staff would make them.
 */

export interface Staff {
  t: TestApp;
  analyst: TestUser;
  supervisor: TestUser;
  vetting: TestUser;
}

export interface Ref {
  id: string;
  reference: string;
}

/** The records about one member, and the visible records that point at them. */
export interface RecordsAbout {
  member: string;
  /** A text that appears only in this member's records (narratives, notes, declarations, IOPC reference). */
  marker: string;
  /** Reports naming the member: r1 linked to `linkTarget`, r2 reviewed, r3 referred to a new case, r4 referred to `caseAboutOther`. */
  reports: Ref[];
  /** Cases with the member as a subject: c1 with referral, IOPC decision, severity, outcome, notes, updates. */
  cases: Ref[];
  outcomeIds: string[];
  clearanceIds: string[];
  declarationIds: string[];
  alertIds: string[];
  /** Visible records that refer to the member's: a report about someone else that r1 links to, … */
  linkTarget: Ref;
  /** … a report about someone else referred (by its review) to the member's case c1, … */
  referredToHiddenCase: Ref;
  /** … the case opened from r3 (about the member and `other`), from which the member was then removed, … */
  openedFromHiddenReport: Ref;
  /** … and a case about `other` to which r4 (about the member) was referred by its review. */
  caseAboutOther: Ref;
}

export const rand = (): string => randomBytes(4).toString('hex');

async function ok(res: Promise<Reply>, what: string, status = [200, 201]): Promise<any> {
  const r = await res;
  if (!status.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r.body;
}

const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString();

export function reportBody(marker: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    receivedAt: daysAgo(3),
    receiptMethod: 'telephone',
    sourceType: 'colleague',
    sourceDetails: `Source details ${marker}`,
    grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
    primaryCategory: 'abuse_of_position_sexual',
    secondaryCategories: ['misuse_of_systems'],
    narrative: `Fictional narrative ${marker}`,
    ...overrides,
  };
}

export function caseBody(marker: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    caseType: 'misconduct',
    matterType: 'conduct_matter',
    allegationSummary: `Fictional allegation ${marker}`,
    primaryCategory: 'abuse_of_position_sexual',
    ...overrides,
  };
}

export class Arranger {
  constructor(private readonly s: Staff) {}

  private req(user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown) {
    return call(this.s.t.app, method, `/api/v1${url}`, { token: user.token, body });
  }

  async report(marker: string, subjects: string[], extra: Record<string, unknown> = {}): Promise<Ref> {
    const r = await ok(
      this.req(
        this.s.analyst,
        'POST',
        '/intelligence',
        reportBody(marker, {
          subjects: subjects.map((workforceMemberId) => ({ workforceMemberId, role: 'subject' })),
          ...extra,
        }),
      ),
      'report',
    );
    return { id: r.id, reference: r.reference };
  }

  async assign(reportId: string, assigneeId: string): Promise<void> {
    await ok(
      this.req(this.s.supervisor, 'POST', `/intelligence/${reportId}/assign`, { assigneeId }),
      'assign',
    );
  }

  /** assign → submit for review → review with `decision` (and its extra fields). Returns the review's answer. */
  async review(reportId: string, decision: Record<string, unknown>, recommended: string): Promise<any> {
    const { analyst, supervisor } = this.s;
    await ok(
      this.req(supervisor, 'POST', `/intelligence/${reportId}/assign`, { assigneeId: analyst.id }),
      'assign',
    );
    await ok(
      this.req(analyst, 'POST', `/intelligence/${reportId}/submit-for-review`, {
        assessmentText: 'Assessed for the suite',
        recommendedDecision: recommended,
      }),
      'submit',
    );
    return ok(this.req(supervisor, 'POST', `/intelligence/${reportId}/review`, decision), 'review');
  }

  async createCase(
    marker: string,
    workforceMemberIds: string[],
    extra: Record<string, unknown> = {},
  ): Promise<Ref> {
    const c = await ok(
      this.req(this.s.analyst, 'POST', '/cases', caseBody(marker, { workforceMemberIds, ...extra })),
      'case',
    );
    return { id: c.id, reference: c.reference };
  }

  async getCase(id: string): Promise<any> {
    return ok(this.req(this.s.analyst, 'GET', `/cases/${id}`), 'read case', [200]);
  }

  async getReport(id: string): Promise<any> {
    return ok(this.req(this.s.supervisor, 'GET', `/intelligence/${id}`), 'read report', [200]);
  }

  patchCase(user: TestUser, id: string, body: Record<string, unknown>): Promise<Reply> {
    return this.req(user, 'PATCH', `/cases/${id}`, body);
  }

  patchReport(user: TestUser, id: string, body: Record<string, unknown>): Promise<Reply> {
    return this.req(user, 'PATCH', `/intelligence/${id}`, body);
  }

  async clearance(member: string, level: string, grantedOn: string): Promise<string> {
    const c = await ok(
      this.req(this.s.vetting, 'POST', `/workforce/${member}/clearances`, { level, grantedOn }),
      'clearance',
    );
    return c.id;
  }

  async declaration(member: string, marker: string): Promise<{ id: string; alertId: string }> {
    const d = await ok(
      this.req(this.s.vetting, 'POST', `/workforce/${member}/declarations`, {
        category: 'financial',
        declaredOn: '2026-11-01',
        description: `Declared debts ${marker}`,
      }),
      'declaration',
    );
    return { id: d.id, alertId: d.alertId };
  }

  /** Every kind of record about `member`, plus visible records (about `other`) that point at them. */
  async about(member: string, other: string, tag: string): Promise<RecordsAbout> {
    const { analyst, supervisor } = this.s;
    const marker = `ZQ${tag}${rand()}`;
    const linkTarget = await this.report(`link${rand()}`, [other]);
    const r1 = await this.report(marker, [member], { linkedReportIds: [linkTarget.id] });
    const r2 = await this.report(marker, [member]);
    await this.review(
      r2.id,
      { decision: 'no_further_action', reason: 'No further action for the suite' },
      'no_further_action',
    );
    // r3 names the member and `other`: the case opened from its review is about both, until the member is removed.
    const r3 = await this.report(marker, [member, other]);
    const opened = await this.review(r3.id, { decision: 'referred_to_case' }, 'referred_to_case');
    const openedCase = await this.getCase(opened.referredCaseId);
    await ok(
      this.patchCase(analyst, openedCase.id, { version: openedCase.version, workforceMemberIds: [other] }),
      'remove the member from the opened case',
      [200],
    );

    // The member's main case: APSP, referred to the IOPC and decided, assessed, investigated, noted, updated,
    // an outcome proposed and confirmed by a supervisor (which raises a review_required vetting alert),
    // intelligence linked.
    const c1 = await this.createCase(marker, [member], { intelligenceReportIds: [r1.id, linkTarget.id] });
    const post = (url: string, body: unknown) => ok(this.req(analyst, 'POST', url, body), url);
    await post(`/cases/${c1.id}/severity`, { severity: 'misconduct', reason: `Severity ${marker}` });
    await post(`/cases/${c1.id}/referral`, {
      referredOn: '2026-10-01',
      basis: 'mandatory',
      iopcReference: `IOPC-${marker}`,
    });
    await post(`/cases/${c1.id}/referral/decision`, { decision: 'local', decidedOn: '2026-10-15' });
    await post(`/cases/${c1.id}/start-investigation`, {});
    await post(`/cases/${c1.id}/notes`, { text: `Note ${marker}` });
    await post(`/cases/${c1.id}/updates`, { recipients: 'both' });
    const outcome = await ok(
      this.req(analyst, 'PUT', `/cases/${c1.id}/subjects/${member}/outcome`, {
        misconductFinding: 'case_to_answer',
        proceedingsResult: 'proven',
        allegationResult: 'substantiated',
        proceedings: 'misconduct_meeting',
        misconductOutcome: 'written_warning',
        regime: '2020',
      }),
      'outcome',
      [200],
    );
    await ok(
      this.req(supervisor, 'POST', `/cases/${c1.id}/subjects/${member}/outcome/confirm`, {
        version: (outcome as { version: number }).version,
      }),
      'confirm the outcome',
      [200, 201],
    );

    // A report about `other` only, referred by its review to the member's case: visible, pointing at c1.
    const referredToHiddenCase = await this.report(`ref${rand()}`, [other]);
    await this.review(
      referredToHiddenCase.id,
      { decision: 'referred_to_case', caseId: c1.id },
      'referred_to_case',
    );

    // A case about `other`, to which r4 (about the member) is referred by r4's review.
    const caseAboutOther = await this.createCase(`other${rand()}`, [other], { primaryCategory: 'drugs' });
    const r4 = await this.report(marker, [member]);
    await this.review(r4.id, { decision: 'referred_to_case', caseId: caseAboutOther.id }, 'referred_to_case');

    // Vetting: an expired MV clearance and a lower current one (below what the post requires), a declaration
    // (which raises a review_required alert).
    const clearanceIds = [
      await this.clearance(member, 'MV', '2012-01-01'),
      await this.clearance(member, 'CTC', '2024-05-01'),
    ];
    const declaration = await this.declaration(member, marker);
    const { rows: alerts } = await this.s.t.db.pool.query<{ id: string }>(
      `SELECT id FROM vetting_alert WHERE workforce_member_id = $1`,
      [member],
    );
    return {
      member,
      marker,
      reports: [r1, r2, r3, r4],
      cases: [c1],
      outcomeIds: [outcome.id],
      clearanceIds,
      declarationIds: [declaration.id],
      alertIds: alerts.map((a) => a.id),
      linkTarget,
      referredToHiddenCase,
      openedFromHiddenReport: { id: openedCase.id, reference: openedCase.reference },
      caseAboutOther,
    };
  }
}

/**
 * Every string that must never reach a user linked to `member`: the ids and references of every record about
 * them as the database holds it now (reports, their assessments, reviews and links; cases, their outcomes,
 * referrals, severity assessments and timeline events; clearances, alerts, declarations; audit events naming
 * them, by their request ids, as their sequence numbers are plain integers), and the marker text written only
 * into those records.
 */
export async function forbiddenStrings(t: TestApp, about: RecordsAbout): Promise<string[]> {
  const { rows } = await t.db.pool.query<{ s: string }>(
    `WITH r AS (SELECT report_id AS id FROM intelligence_subject WHERE workforce_member_id = $1),
          c AS (SELECT case_id AS id FROM case_subject WHERE workforce_member_id = $1)
     SELECT id::text AS s FROM r
     UNION SELECT reference FROM intelligence_report WHERE id IN (SELECT id FROM r)
     UNION SELECT id::text FROM intelligence_assessment WHERE report_id IN (SELECT id FROM r)
     UNION SELECT id::text FROM intelligence_review WHERE report_id IN (SELECT id FROM r)
     UNION SELECT id::text FROM c
     UNION SELECT reference FROM case_record WHERE id IN (SELECT id FROM c)
     UNION SELECT id::text FROM case_subject_outcome WHERE case_id IN (SELECT id FROM c) OR workforce_member_id = $1
     UNION SELECT id::text FROM iopc_referral WHERE case_id IN (SELECT id FROM c)
     UNION SELECT id::text FROM case_severity_assessment WHERE case_id IN (SELECT id FROM c)
     UNION SELECT id::text FROM case_event WHERE case_id IN (SELECT id FROM c)
     UNION SELECT id::text FROM vetting_clearance WHERE workforce_member_id = $1
     UNION SELECT id::text FROM vetting_alert WHERE workforce_member_id = $1
     UNION SELECT id::text FROM vetting_declaration WHERE workforce_member_id = $1
     UNION SELECT request_id FROM audit_event WHERE $1 = ANY(subject_ids) AND request_id IS NOT NULL`,
    [about.member],
  );
  return [...rows.map((r) => r.s), about.marker];
}
