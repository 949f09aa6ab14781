import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VettingModule } from '../vetting/vetting.module.js';
import { CaseEvent, CaseRecord, CaseSeverityAssessment, CaseSubject } from './case.entity.js';
import { CaseReferences } from './case-references.service.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { CaseSubjectOutcome } from './outcome.entity.js';
import { IopcReferral } from './referral.entity.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      CaseRecord,
      CaseSubject,
      CaseSeverityAssessment,
      CaseEvent,
      IopcReferral,
      CaseSubjectOutcome,
    ]),
    VettingModule,
  ],
  controllers: [CasesController],
  providers: [CasesService, CaseReferences],
  exports: [CasesService, CaseReferences],
})
export class CasesModule {}
