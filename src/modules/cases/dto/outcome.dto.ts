import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { Int4 } from '../../../common/dto.js';
import { MemberType } from '../../workforce/workforce.enums.js';
import {
  AllegationResult,
  ConductRegime,
  CriminalOutcome,
  LeftService,
  MisconductFinding,
  MisconductOutcome,
  Proceedings,
  ProceedingsResult,
  Severity,
} from '../cases.enums.js';
import { OptionalDateOnly, NullableEnum } from './case-decorators.js';
import { OUTCOME_NEEDS } from '../outcome-rules.js';

// Severity and subjects’ outcomes: requests and views.

export class RecordOutcomeRequest {
  @ApiPropertyOptional({ example: null })
  @NullableEnum(CriminalOutcome, 'CriminalOutcome')
  criminalOutcome?: CriminalOutcome | null;

  @ApiPropertyOptional({ example: 'case_to_answer' })
  @NullableEnum(MisconductFinding, 'MisconductFinding')
  misconductFinding?: MisconductFinding | null;

  @ApiPropertyOptional({ example: 'misconduct_hearing' })
  @NullableEnum(Proceedings, 'Proceedings')
  proceedings?: Proceedings | null;

  @NullableEnum(ProceedingsResult, 'ProceedingsResult')
  proceedingsResult?: ProceedingsResult | null;

  @ApiPropertyOptional({ example: 'dismissal_without_notice' })
  @NullableEnum(MisconductOutcome, 'MisconductOutcome')
  misconductOutcome?: MisconductOutcome | null;

  @ApiPropertyOptional({ example: '2020' })
  @NullableEnum(
    ConductRegime,
    'ConductRegime',
    'Derived from the subject and the matter (officers and special constables: 2020 from 1 February 2020, 2012 before; everyone else: staff); optional, and refused when it names another',
  )
  regime?: ConductRegime | null;

  @NullableEnum(AllegationResult, 'AllegationResult')
  allegationResult?: AllegationResult | null;

  @ApiPropertyOptional({ example: null })
  @NullableEnum(LeftService, 'LeftService')
  leftService?: LeftService | null;

  @ApiPropertyOptional({ example: null })
  @OptionalDateOnly('When they left the service')
  leftServiceOn?: string | null;

  @ApiPropertyOptional({
    example: false,
    description: 'A leaver: the finding that they would have been dismissed',
  })
  @IsOptional()
  @IsBoolean()
  wouldHaveBeenDismissed?: boolean;

  @ApiPropertyOptional({ example: null })
  @OptionalDateOnly('Barred List entry date')
  barredListOn?: string | null;

  @ApiPropertyOptional({ example: null })
  @OptionalDateOnly('Advisory List entry date')
  advisoryListOn?: string | null;

  @ApiPropertyOptional({
    example: 3,
    description: 'Required when replacing an existing outcome: the version you read',
  })
  @IsOptional()
  @Int4(1)
  version?: number;
}

export class ConfirmOutcomeRequest {
  @ApiProperty({ example: 3, description: 'The version of the outcome you read; a stale one is a 409' })
  @Int4(1)
  version: number;
}

export class SeverityAssessmentView {
  @ApiProperty({ example: 'gross_misconduct', enum: Severity, enumName: 'Severity' })
  severity: Severity;

  @ApiProperty({
    example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08',
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The subject assessed; null: every subject of the case',
  })
  workforceMemberId: string | null;

  @ApiProperty({
    example: 'A sexual approach to a vulnerable victim met on duty: if proven, dismissal would be justified',
  })
  reason: string;

  @ApiProperty({ example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67', format: 'uuid' })
  assessedBy: string;

  @ApiProperty({
    example: 'Priya Shah',
    nullable: true,
    type: String,
    description: 'The assessor’s display name',
  })
  assessedByName: string | null;

  @ApiProperty({ example: '2026-05-14T13:20:00.000Z', format: 'date-time' })
  assessedAt: string;
}

export class OutcomeView {
  @ApiProperty({ example: 'b3e8d1a6-4f7c-4a2e-9d6b-5c1a8f3e7d29', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' })
  workforceMemberId: string;

  @ApiProperty({ enum: MemberType, enumName: 'MemberType' })
  memberType: MemberType;

  @ApiProperty({ example: null, enum: CriminalOutcome, enumName: 'CriminalOutcome', nullable: true })
  criminalOutcome: CriminalOutcome | null;

  @ApiProperty({
    example: 'case_to_answer',
    enum: MisconductFinding,
    enumName: 'MisconductFinding',
    nullable: true,
  })
  misconductFinding: MisconductFinding | null;

  @ApiProperty({ example: 'misconduct_hearing', enum: Proceedings, enumName: 'Proceedings', nullable: true })
  proceedings: Proceedings | null;

  @ApiProperty({ enum: ProceedingsResult, enumName: 'ProceedingsResult', nullable: true })
  proceedingsResult: ProceedingsResult | null;

  @ApiProperty({
    example: 'dismissal_without_notice',
    enum: MisconductOutcome,
    enumName: 'MisconductOutcome',
    nullable: true,
  })
  misconductOutcome: MisconductOutcome | null;

  @ApiProperty({ example: '2020', enum: ConductRegime, enumName: 'ConductRegime', nullable: true })
  regime: ConductRegime | null;

  @ApiProperty({ enum: AllegationResult, enumName: 'AllegationResult', nullable: true })
  allegationResult: AllegationResult | null;

  @ApiProperty({ example: null, enum: LeftService, enumName: 'LeftService', nullable: true })
  leftService: LeftService | null;

  @ApiProperty({ example: null, format: 'date', nullable: true, type: String })
  leftServiceOn: string | null;

  @ApiProperty({ example: false })
  wouldHaveBeenDismissed: boolean;

  @ApiProperty({ example: null, format: 'date', nullable: true, type: String })
  barredListOn: string | null;

  @ApiProperty({ example: null, format: 'date', nullable: true, type: String })
  advisoryListOn: string | null;

  @ApiProperty({
    example: 'gross_misconduct',
    enum: Severity,
    enumName: 'Severity',
    nullable: true,
    description: 'The subject’s severity when the outcome was proposed (or confirmed)',
  })
  severity: Severity | null;

  @ApiProperty({
    example: ['confirmation'],
    enum: OUTCOME_NEEDS,
    isArray: true,
    description: 'What is still needed before the case can close (`confirmation` while it is a proposal)',
  })
  missing: string[];

  @ApiProperty({
    example: false,
    description:
      'Confirmed by a supervisor who did not propose it; only confirmed outcomes count in figures and returns',
  })
  confirmed: boolean;

  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String })
  confirmedAt: string | null;

  @ApiProperty({
    example: null,
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null on a confirmed outcome recorded before confirmation was required',
  })
  confirmedBy: string | null;

  @ApiProperty({
    example: 'Tom Reid',
    nullable: true,
    type: String,
    description: 'The confirming supervisor’s display name',
  })
  confirmedByName: string | null;

  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String })
  finalisedAt: string | null;

  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    description: 'Who proposed it',
  })
  recordedBy: string;

  @ApiProperty({
    example: 'Priya Shah',
    nullable: true,
    type: String,
    description: 'The proposer’s display name',
  })
  recordedByName: string | null;

  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ example: 3 })
  version: number;
}
