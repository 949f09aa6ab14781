import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { VettingModule } from '../vetting/vetting.module.js';
import { WorkforceModule } from '../workforce/workforce.module.js';
import { CaseFileRenderer } from './case-file.renderer.js';
import { CaseFileService } from './case-file.service.js';
import { CaseLifecycleService } from './case-lifecycle.service.js';
import { CaseOutcomesService } from './case-outcomes.service.js';
import { CaseRecords } from './case-records.service.js';
import { CaseReferralService } from './case-referral.service.js';
import { CaseTimelineRepository } from './case-timeline.repository.js';
import { CaseReferencesRepository } from './case-references.repository.js';
import { CaseReferencesService } from './case-references.service.js';
import { CasesController } from './cases.controller.js';
import { CasesRepository } from './cases.repository.js';
import { CasesService } from './cases.service.js';
import { OutcomesRepository } from './outcomes.repository.js';
import { ReferralRepository } from './referral.repository.js';

/**
 * Cases: their life, IOPC referrals, severity and outcomes. Reads workforce members through WorkforceService,
 * users through UsersService and intelligence reports through the LinkedReports port (bound globally by the
 * intelligence module, which depends on this one). Exports CasesService for the intelligence review and the
 * subject profile.
 */
@Module({
  imports: [VettingModule, WorkforceModule, AuthModule],
  controllers: [CasesController],
  providers: [
    CasesRepository,
    CaseTimelineRepository,
    ReferralRepository,
    OutcomesRepository,
    CaseRecords,
    CaseLifecycleService,
    CaseReferralService,
    CaseOutcomesService,
    CasesService,
    CaseFileService,
    CaseFileRenderer,
    CaseReferencesRepository,
    CaseReferencesService,
  ],
  exports: [CasesService, CaseReferencesService],
})
export class CasesModule {}
