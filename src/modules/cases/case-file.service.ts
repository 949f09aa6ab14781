import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/database.module.js';
import { UsersService } from '../auth/users.service.js';
import type { CaseFile } from './case-file.pdf.js';
import { CaseFileRenderer } from './case-file.renderer.js';
import { CaseRecords } from './case-records.service.js';
import { CaseTimelineRepository } from './case-timeline.repository.js';
import { toEvent } from './case-views.js';
import { CaseAudit } from './cases.codes.js';
import { CasesRepository } from './cases.repository.js';
import { LinkedReports } from './linked-reports.port.js';

/**
 * The case file (`GET /cases/{id}/file.pdf`): the whole case as its reader may see it, for a misconduct panel
 * or the IOPC. The same gate as `GET /cases/{id}` (`CaseRecords.locate`: a case the reader may not see is a
 * 404), the same view, the whole timeline as the timeline route shows it, and only the linked reports the
 * reader may see. Audited as an export naming the case's people (`case.export`), in the read that gathered it;
 * the PDF is laid out after the transaction.
 */
@Injectable()
export class CaseFileService {
  constructor(
    private readonly tx: Transactions,
    private readonly clock: Clock,
    private readonly records: CaseRecords,
    private readonly cases: CasesRepository,
    private readonly timelines: CaseTimelineRepository,
    private readonly reports: LinkedReports,
    private readonly users: UsersService,
    private readonly renderer: CaseFileRenderer,
  ) {}

  async file(actor: Actor, id: string): Promise<{ reference: string; pdf: Buffer }> {
    const file = await this.tx.read(async (m): Promise<CaseFile> => {
      const row = await this.records.locate(m, actor, id, CaseAudit.Export);
      const view = await this.records.view(m, id, actor);
      const shown = await this.reports.visibleIds(m, actor, await this.timelines.linkedReportIds(m, id));
      const events = await this.timelines.everything(m, id, shown);
      const linkedReports = await this.reports.visibleBriefs(
        m,
        actor,
        await this.cases.linkedReportIds(m, id),
      );
      const r = view.referral;
      const userIds = [
        ...(actor.userId ? [actor.userId] : []),
        ...events.flatMap((e) => (e.actor_id ? [e.actor_id] : [])),
        ...[view.investigatorId, view.supervisorId, view.createdBy].flatMap((u) => (u ? [u] : [])),
        ...view.severityHistory.map((h) => h.assessedBy),
        ...view.outcomes.flatMap((o) => [o.recordedBy, ...(o.confirmedBy ? [o.confirmedBy] : [])]),
        ...(r.referral
          ? [r.referral.recordedBy, ...(r.referral.decisionRecordedBy ? [r.referral.decisionRecordedBy] : [])]
          : []),
        ...(r.noReferral ? [r.noReferral.recordedBy] : []),
      ];
      const userNames = await this.users.displayNames(m, userIds);
      const timeline = events.map((e) => toEvent(e, userNames));
      await this.records.record(m, actor, CaseAudit.Export, id, row.subject_ids, {
        format: 'pdf',
        events: timeline.length,
        linkedReports: linkedReports.map((l) => l.id),
      });
      return {
        view,
        timeline,
        linkedReports,
        userNames,
        readerName: (actor.userId && userNames.get(actor.userId)) || 'unknown reader',
        generatedAt: this.clock.now(),
      };
    });
    return { reference: file.view.reference, pdf: await this.renderer.render(file) };
  }
}
