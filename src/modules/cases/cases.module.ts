import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  CaseEvent,
  CaseIntelligence,
  CaseRecord,
  CaseReferenceCounter,
  CaseSeverityAssessment,
  CaseSubject,
} from './case.entity.js';
import { CaseSubjectOutcome } from './outcome.entity.js';
import { IopcReferral } from './referral.entity.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      CaseReferenceCounter,
      CaseRecord,
      CaseSubject,
      CaseIntelligence,
      CaseSeverityAssessment,
      CaseEvent,
      IopcReferral,
      CaseSubjectOutcome,
    ]),
  ],
})
export class CasesModule {}
