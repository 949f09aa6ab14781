import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { IntelligenceModule } from '../intelligence/intelligence.module.js';
import { VettingModule } from '../vetting/vetting.module.js';
import { WorkforceModule } from '../workforce/workforce.module.js';
import { SubjectProfileController } from './profile.controller.js';
import { ProfileService } from './profile.service.js';

/** The subject profile: one person's intelligence, cases, vetting state and open alerts, for supervisors. */
@Module({
  imports: [IntelligenceModule, CasesModule, WorkforceModule, VettingModule],
  controllers: [SubjectProfileController],
  providers: [ProfileService],
})
export class ProfileModule {}
