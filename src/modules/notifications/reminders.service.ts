import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { addDays } from '../../common/dates.js';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { mayConcern } from '../access/access.policy.js';
import { type Recipient, RecipientsService } from '../auth/recipients.service.js';
import { CaseDueDatesService, type CaseClock } from '../cases/case-due-dates.service.js';
import { ReportDueDatesService, type ReportClock } from '../intelligence/report-due-dates.service.js';
import { type NewOutboxMessage, OutboxService } from '../vetting/outbox.service.js';
import { NotificationKind, NotificationRecordType } from './notifications.enums.js';
import { type NewNotification, NotificationsRepository } from './notifications.repository.js';

type Clocked = CaseClock | ReportClock;

/** Each clock's notification kinds: ahead of the date, and past it. */
/** Notifications written per batch by a sweep (see `raise`). */
const RAISE_BATCH = 5_000;

const KINDS: Record<Clocked, { due: NotificationKind; over: NotificationKind }> = {
  subject_update: { due: NotificationKind.SubjectUpdateDue, over: NotificationKind.SubjectUpdateOverdue },
  complainant_update: {
    due: NotificationKind.ComplainantUpdateDue,
    over: NotificationKind.ComplainantUpdateOverdue,
  },
  pcc_mark: { due: NotificationKind.PccMarkDue, over: NotificationKind.PccMarkPassed },
  development_review: {
    due: NotificationKind.DevelopmentReviewDue,
    over: NotificationKind.DevelopmentReviewOverdue,
  },
  assessment_target: {
    due: NotificationKind.AssessmentTargetDue,
    over: NotificationKind.AssessmentTargetOverdue,
  },
};

/** The clock a notification kind belongs to. */
export const clockOf = (kind: NotificationKind): Clocked =>
  (Object.keys(KINDS) as Clocked[]).find((c) => KINDS[c].due === kind || KINDS[c].over === kind)!;

/** What the digest and the webhook say of a kind, in words (no names, no narrative). */
export const KIND_WORDS: Record<NotificationKind, string> = {
  [NotificationKind.SubjectUpdateDue]: 'update to the subject due',
  [NotificationKind.SubjectUpdateOverdue]: 'update to the subject OVERDUE',
  [NotificationKind.ComplainantUpdateDue]: 'update to the complainant due',
  [NotificationKind.ComplainantUpdateOverdue]: 'update to the complainant OVERDUE',
  [NotificationKind.PccMarkDue]: '12-month mark (report to the commissioner) approaching',
  [NotificationKind.PccMarkPassed]: '12-month mark passed: report to the commissioner',
  [NotificationKind.DevelopmentReviewDue]: 'development review due',
  [NotificationKind.DevelopmentReviewOverdue]: 'development review OVERDUE',
  [NotificationKind.AssessmentTargetDue]: 'assessment target approaching',
  [NotificationKind.AssessmentTargetOverdue]: 'assessment target passed',
};

/** The outbox topics of the reminders. */
export const TOPICS = {
  raised: 'notification.raised',
  resolved: 'notification.resolved',
  digest: 'notification.digest',
} as const;

/** One dated item of a record, with who owns it and who it escalates to. */
interface DueItem {
  recordType: NotificationRecordType;
  recordId: string;
  reference: string;
  clock: Clocked;
  dueOn: string;
  /** null: the supervisors (nobody has it). */
  ownerId: string | null;
  /** null: the supervisors. */
  supervisorId: string | null;
  subjectIds: string[];
}

export interface SweepOutcome {
  raised: number;
  resolved: number;
  digests: number;
}

const londonHour = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  hourCycle: 'h23',
});

/**
 * The worker's reminders (issue 26). `sweep(today)` raises, once per kind, record, due date and recipient
 * (unique key in the database: a restart, a second worker or a Redis outage never raises twice):
 * - a case's next update to the subject and to the complainant (each its own 28-day clock) within
 *   REMINDER_UPDATE_LEAD_DAYS, and once past; the 12-month PCC mark within REMINDER_PCC_LEAD_DAYS, and once
 *   reached; a report's development review date and assessment target within REMINDER_REVIEW_LEAD_DAYS, and
 *   once past;
 * - ahead of the date to the one who has the work (the case's investigator, the report's analyst; the
 *   supervisor when nobody has it), past it to them and, escalated, to the supervisor (the case's, the one who
 *   assigned or decided the report; every supervisor when none is named);
 * - never to a user linked to a subject of the record (the access policy, `mayConcern`).
 * Each raised notification is the recipient's inbox entry and writes a webhook message into the outbox in the
 * same transaction; one whose date moved on (the update given, the report assessed) or whose case closed is
 * resolved, and the webhook is told. From REMINDER_DIGEST_HOUR (London) each person with notifications not
 * yet mailed gets one digest e-mail a day (outbox, topic notification.digest), when SMTP_URL is set.
 */
@Injectable()
export class RemindersService {
  private readonly logger = new Logger(RemindersService.name);

  constructor(
    private readonly tx: Transactions,
    private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly repository: NotificationsRepository,
    private readonly cases: CaseDueDatesService,
    private readonly reports: ReportDueDatesService,
    private readonly recipients: RecipientsService,
    private readonly outbox: OutboxService,
  ) {}

  /** Raises, resolves and (when it is time) makes the digests, as of `today` (London). */
  async sweep(today: string = this.clock.today()): Promise<SweepOutcome> {
    const { raised, resolved } = await this.tx.write(async (m) => ({
      raised: await this.raise(m, today),
      resolved: await this.resolve(m, today),
    }));
    const digests = await this.digests(today);
    if (raised + resolved + digests > 0) {
      this.logger.log(`reminders: raised ${raised}, resolved ${resolved}, digests ${digests}`);
    }
    return { raised, resolved, digests };
  }

  private lead(clock: Clocked): number {
    if (clock === 'pcc_mark') return this.config.REMINDER_PCC_LEAD_DAYS;
    if (clock === 'subject_update' || clock === 'complainant_update')
      return this.config.REMINDER_UPDATE_LEAD_DAYS;
    return this.config.REMINDER_REVIEW_LEAD_DAYS;
  }

  private async due(m: EntityManager, today: string): Promise<DueItem[]> {
    const horizon = addDays(
      today,
      Math.max(
        this.config.REMINDER_UPDATE_LEAD_DAYS,
        this.config.REMINDER_PCC_LEAD_DAYS,
        this.config.REMINDER_REVIEW_LEAD_DAYS,
      ),
    );
    const cases = (await this.cases.dueBy(m, horizon)).map((c): DueItem => ({
      recordType: NotificationRecordType.Case,
      recordId: c.caseId,
      reference: c.reference,
      clock: c.clock,
      dueOn: c.dueOn,
      ownerId: c.investigatorId ?? c.supervisorId,
      supervisorId: c.supervisorId,
      subjectIds: c.subjectIds,
    }));
    const reports = (await this.reports.dueBy(m, horizon)).map((r): DueItem => ({
      recordType: NotificationRecordType.IntelligenceReport,
      recordId: r.reportId,
      reference: r.reference,
      clock: r.clock,
      dueOn: r.dueOn,
      ownerId: r.ownerId,
      supervisorId: r.supervisorId,
      subjectIds: r.subjectIds,
    }));
    return [...cases, ...reports].filter((i) => addDays(i.dueOn, -this.lead(i.clock)) <= today);
  }

  private async raise(m: EntityManager, today: string): Promise<number> {
    const items = await this.due(m, today);
    if (items.length === 0) return 0;
    const named = new Set<string>();
    for (const i of items) {
      if (i.ownerId) named.add(i.ownerId);
      if (i.supervisorId) named.add(i.supervisorId);
    }
    const anyUnnamed = items.some((i) => !i.ownerId || !i.supervisorId);
    const users = await this.recipients.find(m, [...named], anyUnnamed);
    const supervisors = [...users.values()].filter((u) => u.supervisor);
    let wanted = new Map<string, NewNotification>();
    let count = 0;
    // Written in batches, in this one transaction: a first sweep over a force's open records, each told to
    // every supervisor where none is named, can want hundreds of thousands of notifications, and the worker
    // holds one batch of them (and of their webhook messages) at a time.
    const flush = async (): Promise<void> => {
      if (wanted.size === 0) return;
      count += await this.write(m, [...wanted.values()], today);
      wanted = new Map();
    };
    const add = (i: DueItem, kind: NotificationKind, who: Recipient[], escalated: boolean): void => {
      for (const u of who) {
        // Need to know: nobody is told of a record about themselves.
        if (!mayConcern(u, i.subjectIds)) continue;
        const key = `${kind}:${i.recordId}:${i.dueOn}:${u.id}`;
        if (wanted.has(key)) continue;
        wanted.set(key, {
          kind,
          recordType: i.recordType,
          recordId: i.recordId,
          reference: i.reference,
          dueOn: i.dueOn,
          recipientId: u.id,
          escalated,
        });
      }
    };
    const someone = (id: string | null): Recipient[] => {
      const u = id ? users.get(id) : undefined;
      return u ? [u] : supervisors;
    };
    for (const i of items) {
      // The PCC mark is reached on its date; the other dates are missed the day after. A key wanted again in
      // a later batch is skipped by the table's unique key, as on a second sweep.
      const past = i.clock === 'pcc_mark' ? today >= i.dueOn : today > i.dueOn;
      if (!past) {
        add(i, KINDS[i.clock].due, someone(i.ownerId), false);
      } else {
        const owners = someone(i.ownerId);
        add(i, KINDS[i.clock].over, owners, false);
        const chiefs = someone(i.supervisorId).filter((u) => !owners.some((o) => o.id === u.id));
        add(i, KINDS[i.clock].over, chiefs, true);
      }
      if (wanted.size >= RAISE_BATCH) await flush();
    }
    await flush();
    return count;
  }

  /** Raises one batch of notifications (those not raised before) and their webhook messages. */
  private async write(m: EntityManager, wanted: NewNotification[], today: string): Promise<number> {
    const raised = await this.repository.raise(m, wanted, today);
    await this.outbox.enqueue(
      m,
      raised.map((n): NewOutboxMessage => ({
        topic: TOPICS.raised,
        key: `notification-raised:${n.id}`,
        payload: {
          event: TOPICS.raised,
          notificationId: n.id,
          kind: n.kind,
          recordType: n.record_type,
          recordId: n.record_id,
          reference: n.reference,
          dueOn: n.due_on,
          recipientId: n.recipient_id,
          escalated: n.escalated,
        },
      })),
    );
    return raised.length;
  }

  private async resolve(m: EntityManager, today: string): Promise<number> {
    const open = await this.repository.open(m);
    if (open.length === 0) return 0;
    const caseIds = [
      ...new Set(open.filter((n) => n.record_type === NotificationRecordType.Case).map((n) => n.record_id)),
    ];
    const reportIds = [
      ...new Set(
        open
          .filter((n) => n.record_type === NotificationRecordType.IntelligenceReport)
          .map((n) => n.record_id),
      ),
    ];
    const current = new Map([
      ...(await this.cases.current(m, caseIds)),
      ...(await this.reports.current(m, reportIds)),
    ]);
    const done = open.filter((n) => current.get(`${n.record_id}:${clockOf(n.kind)}`) !== n.due_on);
    const resolved = await this.repository.resolve(
      m,
      done.map((n) => n.id),
      today,
    );
    await this.outbox.enqueue(
      m,
      resolved.map((n): NewOutboxMessage => ({
        topic: TOPICS.resolved,
        key: `notification-resolved:${n.id}`,
        payload: {
          event: TOPICS.resolved,
          notificationId: n.id,
          kind: n.kind,
          recordType: n.record_type,
          recordId: n.record_id,
          reference: n.reference,
          dueOn: n.due_on,
          recipientId: n.recipient_id,
          resolvedOn: today,
        },
      })),
    );
    return resolved.length;
  }

  /** The morning digests (e-mail on, and REMINDER_DIGEST_HOUR reached in London): one per person and day. */
  private async digests(today: string): Promise<number> {
    if (!this.config.SMTP_URL) return 0;
    if (Number(londonHour.format(this.clock.now())) < this.config.REMINDER_DIGEST_HOUR) return 0;
    return this.tx.write(async (m) => {
      const ids = await this.repository.undigestedRecipients(m);
      if (ids.length === 0) return 0;
      const users = await this.recipients.find(m, ids, false);
      const links = [...users.values()]
        .filter((u) => u.workforceMemberId)
        .map((u) => ({ userId: u.id, memberId: u.workforceMemberId! }));
      const rows = await this.repository.undigested(m, today, links);
      const byUser = new Map<string, typeof rows>();
      for (const r of rows) {
        if (!users.has(r.recipient_id)) continue;
        byUser.set(r.recipient_id, [...(byUser.get(r.recipient_id) ?? []), r]);
      }
      let made = 0;
      for (const [userId, items] of byUser) {
        if (
          !(await this.repository.digest(
            m,
            userId,
            today,
            items.map((i) => i.id),
          ))
        )
          continue;
        await this.outbox.enqueue(m, [
          {
            topic: TOPICS.digest,
            key: `notification-digest:${userId}:${today}`,
            payload: {
              event: TOPICS.digest,
              recipientId: userId,
              to: users.get(userId)!.email,
              date: today,
              items: items.map((i) => ({
                kind: i.kind,
                words: KIND_WORDS[i.kind],
                reference: i.reference,
                dueOn: i.due_on,
                escalated: i.escalated,
                link: `${this.config.CONSOLE_URL.replace(/\/$/, '')}/${i.record_type === NotificationRecordType.Case ? 'cases' : 'intelligence'}/${i.record_id}`,
              })),
            },
          },
        ]);
        made++;
      }
      return made;
    });
  }
}
