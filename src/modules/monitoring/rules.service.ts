import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { dayNumber } from '../../common/dates.js';
import { problems } from '../../common/problem.js';
import { validationProblem } from '../../common/validation.js';
import { addDays } from '../../common/dates.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { GradingScheme, ReceiptMethod, SourceType, SubjectRole } from '../intelligence/intelligence.enums.js';
import { CasesService } from '../cases/cases.service.js';
import { RecordingService } from '../intelligence/recording.service.js';
import type { RuleView, TrialResult, UpdateRuleRequest } from './dto/monitoring.dto.js';
import { MonitoringAudit, MonitoringResource } from './monitoring.codes.js';
import { RuleCode } from './monitoring.enums.js';
import { MonitoringRepository } from './monitoring.repository.js';
import { type FlagRow, RulesRepository, type RuleRow } from './rules.repository.js';
import { type RuleInputs, thresholdProblems, type Thresholds, windowOf } from './rules.js';

/** The system user the migration creates to record the leads monitoring raises. */
export const MONITORING_USER_EMAIL = 'ict-monitoring@system.lantern';

/** Events loaded this long before the watermark are looked at again (a batch committed late is not missed). */
const OVERLAP_MS = 60_000;
const MAX_TRIAL_DAYS = 366;

/** The category of the lead each rule raises: the APSP signal for the vulnerable-person rules. */
const CATEGORY: Record<RuleCode, CorruptionCategory> = {
  [RuleCode.SelfLookup]: CorruptionCategory.MisuseOfSystems,
  [RuleCode.DeclaredAssociation]: CorruptionCategory.InappropriateAssociation,
  [RuleCode.VulnerableRepeatAccess]: CorruptionCategory.AbuseOfPositionSexual,
  [RuleCode.VulnerableContact]: CorruptionCategory.AbuseOfPositionSexual,
  [RuleCode.OutOfHoursBurst]: CorruptionCategory.MisuseOfSystems,
  // Looking up the subject of an investigation with no part in it: the risk is the investigation's
  // compromise (tipping off), not only the misuse of the system.
  [RuleCode.OpenCaseLookup]: CorruptionCategory.DisclosureOfInformation,
};
const VULNERABLE = new Set([RuleCode.VulnerableRepeatAccess, RuleCode.VulnerableContact]);

const toView = (r: RuleRow): RuleView => ({
  code: r.code,
  enabled: r.enabled,
  thresholds: { ...r.thresholds },
  reason: r.reason,
  version: r.version,
  updatedAt: r.updated_at.toISOString(),
});

export interface EvaluationResult {
  members: number;
  flags: number;
  leads: number;
}

/**
 * The rules: configuration (thresholds and a plain-language reason), evaluated incrementally by the worker over
 * the events loaded since its watermark, tried over a past period before a supervisor enables them, and turned
 * into leads in the intelligence assessment queue.
 */
@Injectable()
export class RulesService {
  private readonly logger = new Logger(RulesService.name);

  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly events: MonitoringRepository,
    private readonly repository: RulesRepository,
    private readonly recording: RecordingService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly cases: CasesService,
  ) {}

  /** What rule `code` reads from other modules, through their services, in the evaluation's transaction. */
  private async inputsFor(m: EntityManager, code: RuleCode): Promise<RuleInputs> {
    if (code === RuleCode.OpenCaseLookup) return { openCases: await this.cases.openCaseSubjects(m) };
    return {};
  }

  list(actor: Actor): Promise<RuleView[]> {
    return this.tx.read(
      async (m) => (await this.repository.listRules(m)).map(toView),
      (m) =>
        this.audit.record(m, actor, {
          action: MonitoringAudit.RuleList,
          resourceType: MonitoringResource.Rule,
        }),
    );
  }

  async update(actor: Actor, code: RuleCode, body: UpdateRuleRequest): Promise<RuleView> {
    if (body.thresholds) {
      const errors = thresholdProblems(code, body.thresholds, 'thresholds');
      if (errors.length) throw validationProblem(errors);
    }
    return this.tx.write(async (m) => {
      const current = (await this.repository.listRules(m)).find((r) => r.code === code);
      if (!current) throw problems.notFound('rule');
      const thresholds = body.thresholds ? { ...current.thresholds, ...body.thresholds } : undefined;
      if (thresholds) {
        const errors = thresholdProblems(code, { ...thresholds }, 'thresholds');
        if (errors.length) throw validationProblem(errors);
      }
      const done = await this.repository.updateRule(
        m,
        code,
        body.version,
        { enabled: body.enabled, thresholds, reason: body.reason },
        actor.userId,
      );
      if (!done) throw problems.staleVersion();
      await this.audit.record(m, actor, {
        action: MonitoringAudit.RuleUpdate,
        resourceType: MonitoringResource.Rule,
        resourceId: null,
        details: { code, enabled: body.enabled, thresholds, reasonChanged: body.reason !== undefined },
      });
      const after = (await this.repository.listRules(m)).find((r) => r.code === code) as RuleRow;
      return toView(after);
    });
  }

  /**
   * A trial: the flags rule `code` would raise over `from`..`to` with the proposed thresholds and with the
   * current ones, counted by department (never names), the caller's own left out. Writes nothing but its audit
   * row.
   */
  async trial(
    actor: Actor,
    code: RuleCode,
    body: { from: string; to: string; thresholds?: Record<string, number> },
  ): Promise<TrialResult> {
    if (body.to < body.from) throw problems.invalid('to', 'notBefore', 'to must not be before from');
    if (dayNumber(body.to) - dayNumber(body.from) >= MAX_TRIAL_DAYS)
      throw problems.invalid('to', 'range', `a trial covers at most ${MAX_TRIAL_DAYS} days`);
    const errors = thresholdProblems(code, body.thresholds ?? {}, 'thresholds');
    if (errors.length) throw validationProblem(errors);
    return this.tx.read(async (m) => {
      const rule = (await this.repository.listRules(m)).find((r) => r.code === code);
      if (!rule) throw problems.notFound('rule');
      const proposedT: Thresholds = { ...rule.thresholds, ...(body.thresholds ?? {}) };
      const pairErrors = thresholdProblems(code, { ...proposedT }, 'thresholds');
      if (pairErrors.length) throw validationProblem(pairErrors);
      const inputs = await this.inputsFor(m, code);
      const proposed = await this.repository.countByDepartment(
        m,
        actor,
        this.repository.hits(code, proposedT, body.from, body.to, null, inputs),
      );
      const current = await this.repository.countByDepartment(
        m,
        actor,
        this.repository.hits(code, rule.thresholds, body.from, body.to, null, inputs),
      );
      const departments = [...new Set([...proposed, ...current].map((d) => d.department))].sort();
      const countOf = (rows: typeof proposed, d: string) => rows.find((r) => r.department === d)?.flags ?? 0;
      const byDepartment = departments.map((department) => ({
        department,
        proposed: countOf(proposed, department),
        current: countOf(current, department),
        difference: countOf(proposed, department) - countOf(current, department),
      }));
      const sum = (key: 'proposed' | 'current') => byDepartment.reduce((n, d) => n + d[key], 0);
      const excluded = [...proposed, ...current].some((d) => d.excluded > 0);
      await this.audit.record(m, actor, {
        action: MonitoringAudit.RuleTrial,
        resourceType: MonitoringResource.Rule,
        details: { code, from: body.from, to: body.to, thresholds: proposedT },
      });
      return {
        code,
        from: body.from,
        to: body.to,
        proposed: { ...proposedT },
        current: { ...rule.thresholds },
        proposedTotal: sum('proposed'),
        currentTotal: sum('current'),
        byDepartment,
        callerRecordsExcluded: excluded,
      };
    });
  }

  /**
   * The worker's incremental pass: the members and days of the events loaded since the watermark (less an
   * overlap), evaluated by every enabled rule over the windows containing those days; a (rule, member, window)
   * already flagged is not flagged again. Then the new flags become leads.
   */
  async evaluate(): Promise<EvaluationResult> {
    const startedAt = this.clock.now();
    const flags = await this.tx.write(async (m) => {
      const watermark = await this.events.watermark(m);
      const since = new Date(watermark.getTime() - OVERLAP_MS);
      const touched = await this.events.touchedSince(m, since);
      const rules = (await this.repository.listRules(m)).filter((r) => r.enabled);
      let raised = 0;
      if (touched.length > 0) {
        const members = [...new Set(touched.map((t) => t.member_id))];
        const days = touched.map((t) => t.day).sort();
        for (const rule of rules) {
          const from = windowOf(rule.code, rule.thresholds, days[0]).from;
          const to = windowOf(rule.code, rule.thresholds, days[days.length - 1]).to;
          raised += await this.repository.raise(
            m,
            rule.code,
            rule.reason,
            this.repository.hits(
              rule.code,
              rule.thresholds,
              from,
              to,
              members,
              await this.inputsFor(m, rule.code),
              since,
            ),
          );
        }
      }
      await this.events.setWatermark(m, startedAt);
      return { members: new Set(touched.map((t) => t.member_id)).size, raised };
    });
    const leads = await this.raiseLeads();
    return { members: flags.members, flags: flags.raised, leads };
  }

  /** Evaluates every enabled rule over whole London days (the demo, the bench, a backfill). */
  async evaluateDays(from: string, to: string): Promise<number> {
    const raised = await this.tx.write(async (m) => {
      let n = 0;
      for (const rule of (await this.repository.listRules(m)).filter((r) => r.enabled)) {
        const range = {
          from: windowOf(rule.code, rule.thresholds, from).from,
          to: windowOf(rule.code, rule.thresholds, to).to,
        };
        n += await this.repository.raise(
          m,
          rule.code,
          rule.reason,
          this.repository.hits(
            rule.code,
            rule.thresholds,
            range.from,
            range.to,
            null,
            await this.inputsFor(m, rule.code),
          ),
        );
      }
      return n;
    });
    await this.raiseLeads();
    return raised;
  }

  /**
   * Every flag without a lead becomes an intelligence report (source `ict_monitoring`, the rule's category,
   * its reason as the summary, the events as evidence, the member as subject) recorded by the monitoring
   * system user, through the intelligence module's own recording (its checks, reference and audit row).
   */
  async raiseLeads(limit = 500): Promise<number> {
    const flags = await this.tx.read((m) => this.repository.unreported(m, limit));
    if (flags.length === 0) return 0;
    const actor = await this.systemActor();
    let raised = 0;
    for (const flag of flags) {
      const report = await this.recording.create(actor, {
        receivedAt: flag.raised_at.toISOString(),
        receiptMethod: ReceiptMethod.SystemAlert,
        sourceType: SourceType.IctMonitoring,
        grading: {
          scheme: GradingScheme.ThreeFiveTwo,
          sourceEvaluation: '1',
          intelligenceAssessment: 'A',
          handlingCode: 'P',
        },
        primaryCategory: CATEGORY[flag.rule_code],
        vulnerablePerson: VULNERABLE.has(flag.rule_code),
        ...(VULNERABLE.has(flag.rule_code)
          ? { vulnerablePersonNote: 'A person flagged vulnerable in the force systems' }
          : {}),
        subjects: [{ workforceMemberId: flag.member_id, role: SubjectRole.Subject }],
        narrative: narrativeOf(flag),
      });
      await this.tx.write(async (m) => {
        await this.repository.setReport(m, flag.id, report.id);
        await this.audit.record(m, actor, {
          action: MonitoringAudit.FlagLead,
          resourceType: MonitoringResource.Flag,
          resourceId: flag.id,
          subjectIds: [flag.member_id],
          details: { reportId: report.id, rule: flag.rule_code },
        });
      });
      raised++;
    }
    return raised;
  }

  /** Drops the day partitions older than the retention period; answers how many tables were dropped. */
  async applyRetention(): Promise<number> {
    const before = addDays(this.clock.today(), -this.config.MONITORING_RETENTION_DAYS + 1);
    const dropped = await this.tx.write((m) => this.events.dropPartitions(m, before));
    if (dropped > 0)
      this.logger.log(`monitoring retention: dropped ${dropped} partition(s) before ${before}`);
    return dropped;
  }

  /** Makes the partitions of today and the next `days` days (the worker, ahead of ingest). */
  ensureAhead(days = 7): Promise<number> {
    const today = this.clock.today();
    return this.tx.write((m) => this.events.ensurePartitions(m, addDays(today, -1), addDays(today, days)));
  }

  private async systemActor(): Promise<Actor> {
    const id = await this.tx.read((m) => this.events.systemUserId(m, MONITORING_USER_EMAIL));
    return {
      userId: id,
      roles: [],
      workforceMemberId: null,
      sessionId: null,
      requestId: 'monitoring',
      clientAddress: null,
    };
  }
}

/** The lead's account: the rule's reason, then the events as evidence (who, when, which record). */
function narrativeOf(flag: FlagRow): string {
  const lines = flag.events.map(
    (e) =>
      `- ${e.occurredAt} ${e.kind} ${e.action}${e.recordType ? ` ${e.recordType} ${e.recordId}` : ''}` +
      `${e.personRef ? ` (person ${e.personRef})` : ''} [source ${e.sourceId}, event ${e.eventId}]`,
  );
  const more =
    flag.event_count > flag.events.length ? `\n(${flag.event_count - flag.events.length} more events)` : '';
  return (
    [
      `ICT monitoring: ${flag.reason}.`,
      `Rule ${flag.rule_code}, ${flag.window_start} to ${flag.window_end}: ${flag.event_count} event(s).`,
      `Monitoring flag ${flag.id}.`,
      '',
      'Evidence:',
      ...lines,
    ].join('\n') + more
  );
}
