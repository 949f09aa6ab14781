import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VettingModule } from '../vetting/vetting.module.js';
import {
  CaseEvent,
  CaseIntelligence,
  CaseRecord,
  CaseSeverityAssessment,
  CaseSubject,
} from './case.entity.js';
import { CaseReferencesRepository } from './case-references.repository.js';
import { CaseReferencesService } from './case-references.service.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { CaseSubjectOutcome } from './outcome.entity.js';
import { IopcReferral } from './referral.entity.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      CaseRecord,
      CaseSubject,
      CaseIntelligence,
      CaseSeverityAssessment,
      CaseEvent,
      IopcReferral,
      CaseSubjectOutcome,
    ]),
    VettingModule,
  ],
  controllers: [CasesController],
  providers: [CasesService, CaseReferencesRepository, CaseReferencesService],
  exports: [CasesService, CaseReferencesService],
})
export class CasesModule {}
