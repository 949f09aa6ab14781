import { Inject, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { IntelligenceState } from './intelligence.enums.js';
import { ReportDueDatesRepository } from './report-due-dates.repository.js';

/** What a report's analyst is reminded of. */
export type ReportClock = 'assessment_target' | 'development_review';

export interface ReportDueItem {
  reportId: string;
  reference: string;
  clock: ReportClock;
  dueOn: string;
  /** The analyst who has it (null: unassigned). */
  ownerId: string | null;
  /** Who decided or assigned it (the escalation's recipient; null: the supervisors). */
  supervisorId: string | null;
  subjectIds: string[];
}

const clockOf = (state: IntelligenceState): ReportClock =>
  state === IntelligenceState.Development ? 'development_review' : 'assessment_target';

/**
 * For the worker's reminders (notifications module): reports nearing or past their assessment target
 * (INTEL_ASSESSMENT_TARGET_DAYS after receipt) or their development review date. The caller applies the access
 * policy to each recipient (the subjects are given for it).
 */
@Injectable()
export class ReportDueDatesService {
  constructor(
    private readonly repository: ReportDueDatesRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async dueBy(tx: EntityManager, horizon: string): Promise<ReportDueItem[]> {
    const rows = await this.repository.dueBy(tx, horizon, this.config.INTEL_ASSESSMENT_TARGET_DAYS);
    return rows.map((r) => {
      const clock = clockOf(r.state);
      return {
        reportId: r.id,
        reference: r.reference,
        clock,
        dueOn: r.due_on,
        ownerId: r.assignee_id,
        supervisorId: clock === 'development_review' ? r.reviewed_by : r.assigned_by,
        subjectIds: r.subject_ids,
      };
    });
  }

  /** Of `reportIds`, the pending date per clock, keyed `reportId:clock` (absent: nothing pending). */
  async current(tx: EntityManager, reportIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.repository.current(tx, reportIds, this.config.INTEL_ASSESSMENT_TARGET_DAYS);
    const out = new Map<string, string>();
    for (const r of rows) if (r.due_on) out.set(`${r.id}:${clockOf(r.state)}`, r.due_on);
    return out;
  }
}

/** The report due dates alone (the worker imports this, not the whole intelligence module). */
@Module({ providers: [ReportDueDatesRepository, ReportDueDatesService], exports: [ReportDueDatesService] })
export class ReportDueDatesModule {}
