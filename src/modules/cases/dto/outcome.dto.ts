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

// Severity and subjects’ outcomes: requests and views.

export class RecordOutcomeRequest {
  @NullableEnum(CriminalOutcome, 'CriminalOutcome')
  criminalOutcome?: CriminalOutcome | null;

  @NullableEnum(MisconductFinding, 'MisconductFinding')
  misconductFinding?: MisconductFinding | null;

  @NullableEnum(Proceedings, 'Proceedings')
  proceedings?: Proceedings | null;

  @NullableEnum(ProceedingsResult, 'ProceedingsResult')
  proceedingsResult?: ProceedingsResult | null;

  @NullableEnum(MisconductOutcome, 'MisconductOutcome')
  misconductOutcome?: MisconductOutcome | null;

  @NullableEnum(
    ConductRegime,
    'ConductRegime',
    'Derived from the subject and the matter (officers and special constables: 2020 from 1 February 2020, 2012 before; everyone else: staff); optional, and refused when it names another',
  )
  regime?: ConductRegime | null;

  @NullableEnum(AllegationResult, 'AllegationResult')
  allegationResult?: AllegationResult | null;

  @NullableEnum(LeftService, 'LeftService')
  leftService?: LeftService | null;

  @OptionalDateOnly('When they left the service')
  leftServiceOn?: string | null;

  @ApiPropertyOptional({ description: 'A leaver: the finding that they would have been dismissed' })
  @IsOptional()
  @IsBoolean()
  wouldHaveBeenDismissed?: boolean;

  @OptionalDateOnly('Barred List entry date')
  barredListOn?: string | null;

  @OptionalDateOnly('Advisory List entry date')
  advisoryListOn?: string | null;

  @ApiPropertyOptional({ description: 'Required when replacing an existing outcome: the version you read' })
  @IsOptional()
  @Int4(1)
  version?: number;
}

export class ConfirmOutcomeRequest {
  @ApiProperty({ description: 'The version of the outcome you read; a stale one is a 409' })
  @Int4(1)
  version: number;
}

export class SeverityAssessmentView {
  @ApiProperty({ enum: Severity, enumName: 'Severity' })
  severity: Severity;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The subject assessed; null: every subject of the case',
  })
  subjectId: string | null;

  @ApiProperty()
  reason: string;

  @ApiProperty({ format: 'uuid' })
  assessedBy: string;

  @ApiProperty({ nullable: true, type: String, description: 'The assessor’s display name' })
  assessedByName: string | null;

  @ApiProperty({ format: 'date-time' })
  assessedAt: string;
}

export class OutcomeView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  workforceMemberId: string;

  @ApiProperty({ enum: MemberType, enumName: 'MemberType' })
  memberType: MemberType;

  @ApiProperty({ enum: CriminalOutcome, enumName: 'CriminalOutcome', nullable: true })
  criminalOutcome: CriminalOutcome | null;

  @ApiProperty({ enum: MisconductFinding, enumName: 'MisconductFinding', nullable: true })
  misconductFinding: MisconductFinding | null;

  @ApiProperty({ enum: Proceedings, enumName: 'Proceedings', nullable: true })
  proceedings: Proceedings | null;

  @ApiProperty({ enum: ProceedingsResult, enumName: 'ProceedingsResult', nullable: true })
  proceedingsResult: ProceedingsResult | null;

  @ApiProperty({ enum: MisconductOutcome, enumName: 'MisconductOutcome', nullable: true })
  misconductOutcome: MisconductOutcome | null;

  @ApiProperty({ enum: ConductRegime, enumName: 'ConductRegime', nullable: true })
  regime: ConductRegime | null;

  @ApiProperty({ enum: AllegationResult, enumName: 'AllegationResult', nullable: true })
  allegationResult: AllegationResult | null;

  @ApiProperty({ enum: LeftService, enumName: 'LeftService', nullable: true })
  leftService: LeftService | null;

  @ApiProperty({ format: 'date', nullable: true, type: String })
  leftServiceOn: string | null;

  @ApiProperty()
  wouldHaveBeenDismissed: boolean;

  @ApiProperty({ format: 'date', nullable: true, type: String })
  barredListOn: string | null;

  @ApiProperty({ format: 'date', nullable: true, type: String })
  advisoryListOn: string | null;

  @ApiProperty({
    enum: Severity,
    enumName: 'Severity',
    nullable: true,
    description: 'The subject’s severity when the outcome was proposed (or confirmed)',
  })
  severity: Severity | null;

  @ApiProperty({
    type: [String],
    description: 'What is still needed before the case can close (`confirmation` while it is a proposal)',
  })
  missing: string[];

  @ApiProperty({
    description:
      'Confirmed by a supervisor who did not propose it; only confirmed outcomes count in figures and returns',
  })
  confirmed: boolean;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  confirmedAt: string | null;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null on a confirmed outcome recorded before confirmation was required',
  })
  confirmedBy: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The confirming supervisor’s display name' })
  confirmedByName: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finalisedAt: string | null;

  @ApiProperty({ format: 'uuid', description: 'Who proposed it' })
  recordedBy: string;

  @ApiProperty({ nullable: true, type: String, description: 'The proposer’s display name' })
  recordedByName: string | null;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty()
  version: number;
}
