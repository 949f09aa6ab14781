import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VettingModule } from '../vetting/vetting.module.js';
import { WorkforceModule } from '../workforce/workforce.module.js';
import { CasesModule } from '../cases/cases.module.js';
import {
  IntelligenceAssessment,
  IntelligenceDuplicate,
  IntelligenceLink,
  IntelligenceReport,
  IntelligenceReview,
  IntelligenceSubject,
} from './intelligence-report.entity.js';
import { IntelligenceController } from './intelligence.controller.js';
import { IntelligenceService } from './intelligence.service.js';
import { ReportReferencesRepository } from './report-references.repository.js';
import { ReportReferencesService } from './report-references.service.js';
import { SubjectProfileController } from './subject-profile.controller.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      IntelligenceReport,
      IntelligenceSubject,
      IntelligenceLink,
      IntelligenceDuplicate,
      IntelligenceAssessment,
      IntelligenceReview,
    ]),
    CasesModule,
    VettingModule,
    WorkforceModule,
  ],
  controllers: [IntelligenceController, SubjectProfileController],
  providers: [IntelligenceService, ReportReferencesRepository, ReportReferencesService],
  exports: [IntelligenceService, ReportReferencesService],
})
export class IntelligenceModule {}
