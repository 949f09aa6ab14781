import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CaseDueDatesRepository } from './case-due-dates.repository.js';

/** What a case's people are reminded of: one date of one clock. */
export type CaseClock = 'subject_update' | 'complainant_update' | 'pcc_mark';

export interface CaseDueItem {
  caseId: string;
  reference: string;
  clock: CaseClock;
  dueOn: string;
  investigatorId: string | null;
  supervisorId: string | null;
  subjectIds: string[];
}

/**
 * For the worker's reminders (notifications module): the due dates of open cases, each clock on its own. The
 * caller applies the access policy to each recipient (the subjects are given for it).
 */
@Injectable()
export class CaseDueDatesService {
  constructor(private readonly repository: CaseDueDatesRepository) {}

  /** Every due date of an open case on or before `horizon`. */
  async dueBy(tx: EntityManager, horizon: string): Promise<CaseDueItem[]> {
    const rows = await this.repository.dueBy(tx, horizon);
    return rows.flatMap((r) =>
      (
        [
          ['subject_update', r.subject_update_due],
          ['complainant_update', r.complainant_update_due],
          ['pcc_mark', r.pcc_report_due],
        ] as const
      )
        .filter(([, due]) => due <= horizon)
        .map(([clock, dueOn]) => ({
          caseId: r.id,
          reference: r.reference,
          clock,
          dueOn,
          investigatorId: r.investigator_id,
          supervisorId: r.supervisor_id,
          subjectIds: r.subject_ids,
        })),
    );
  }

  /** Of `caseIds`, the open ones' current due date per clock, keyed `caseId:clock` (absent: closed). */
  async current(tx: EntityManager, caseIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.repository.current(tx, caseIds);
    const out = new Map<string, string>();
    for (const r of rows) {
      out.set(`${r.id}:subject_update`, r.subject_update_due);
      out.set(`${r.id}:complainant_update`, r.complainant_update_due);
      out.set(`${r.id}:pcc_mark`, r.pcc_report_due);
    }
    return out;
  }
}

/** The case due dates alone (the worker imports this, not the whole cases module). */
@Module({ providers: [CaseDueDatesRepository, CaseDueDatesService], exports: [CaseDueDatesService] })
export class CaseDueDatesModule {}
