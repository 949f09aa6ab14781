import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import { Transactions } from '../../database/database.module.js';
import { RecordKind } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { CasesService } from '../cases/cases.service.js';
import { SearchService } from '../intelligence/search.service.js';
import { AlertsService } from '../vetting/alerts.service.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import type { SubjectProfile } from './dto/profile.dto.js';
import { PROFILE_RESOURCE, ProfileAudit } from './profile.codes.js';

/**
 * The supervisors' view of one person, composed from four modules: the intelligence and cases concerning them
 * (each through the access policy), their workforce record with its vetting state, and their open vetting
 * alerts. One audited read: the audit row names every record returned.
 */
@Injectable()
export class ProfileService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly intelligence: SearchService,
    private readonly cases: CasesService,
    private readonly workforce: WorkforceService,
    private readonly alerts: AlertsService,
  ) {}

  async profile(actor: Actor, memberId: string): Promise<SubjectProfile> {
    return this.tx.read(async (m) => {
      // The person's own profile is hidden from them like a missing one (the access policy's gate).
      await this.access.requireVisible(m, actor, RecordKind.WorkforceMember, memberId, ProfileAudit.Read);
      const member = await this.workforce.findVisible(m, actor, memberId);
      const intelligence = await this.intelligence.concerning(m, actor, memberId);
      const cases = await this.cases.concerning(m, actor, memberId);
      const openAlerts = await this.alerts.openFor(m, memberId);
      await this.audit.record(m, actor, {
        action: ProfileAudit.Read,
        resourceType: PROFILE_RESOURCE,
        resourceId: memberId,
        subjectIds: [memberId],
        details: {
          intelligence: intelligence.reports.map((r) => r.id),
          cases: cases.map((c) => c.id),
          alerts: openAlerts.map((a) => a.id),
        },
      });
      return {
        member: {
          id: member.id,
          staffNumber: member.staffNumber,
          givenName: member.givenName,
          familyName: member.familyName,
          memberType: member.memberType,
          rankOrGrade: member.rankOrGrade,
        },
        intelligence: intelligence.reports,
        intelligenceByCategoryYear: intelligence.byCategoryYear,
        cases,
        vetting: member.vetting,
        openAlerts,
      };
    });
  }
}
