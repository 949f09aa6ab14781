import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Int4, OptionalDate, OptionalDateTime } from '../../../common/dto.js';
import {
  BreachType,
  CaseType,
  MatterType,
  ReferralCriterion,
  Severity,
  UpdateRecipient,
} from '../cases.enums.js';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';
import {
  NullableEnum,
  Text,
  OptionalVersion,
  Categories,
  Facts,
  SubjectMemberIds,
  IntelligenceIds,
  NullableUser,
} from './case-decorators.js';

// Requests that create and change a case.

export class CreateCaseRequest {
  @ApiProperty({ example: 'misconduct', enum: CaseType, enumName: 'CaseType' })
  @IsEnum(CaseType)
  caseType: CaseType;

  @ApiProperty({ example: 'conduct_matter', enum: MatterType, enumName: 'MatterType' })
  @IsEnum(MatterType)
  matterType: MatterType;

  @ApiProperty({
    example:
      'Fictional: DS Holloway is alleged to have pursued a relationship with a vulnerable victim of crime met on duty (APSP).',
  })
  @Text(20000, 'Sensitive: never logged or audited')
  allegationSummary: string;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  @IsEnum(CorruptionCategory)
  primaryCategory: CorruptionCategory;

  @ApiPropertyOptional({ example: ['abuse_of_position_sexual', 'misuse_of_systems'] })
  @Categories()
  categories?: CorruptionCategory[];

  @ApiProperty({ example: ['c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08'] })
  @SubjectMemberIds(true)
  workforceMemberIds: string[];

  @Facts()
  referralFacts?: ReferralCriterion[];

  @ApiPropertyOptional({ example: 'discreditable_conduct' })
  @NullableEnum(BreachType, 'BreachType')
  breachType?: BreachType | null;

  @ApiPropertyOptional({ example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45' })
  @NullableUser('An analyst or supervisor')
  investigatorId?: string | null;

  @ApiPropertyOptional({ example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67' })
  @NullableUser('A supervisor')
  supervisorId?: string | null;

  @ApiPropertyOptional({ example: ['3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70'] })
  @IntelligenceIds()
  intelligenceReportIds?: string[];

  @ApiPropertyOptional({ example: '2026-05-11T08:42:17.000Z' })
  @OptionalDateTime('When the matter was recorded, if earlier than now (back-recording)')
  recordedAt?: string;

  @ApiPropertyOptional({ example: '2026-02-11' })
  @OptionalDate(
    'The date (London) the matter came to the force’s attention, when earlier than its recording (a case opened from old intelligence); it fixes the officers’ regime. Not in the future, not after the recorded date. Default: the earliest of the linked reports’ receipt and the recorded date',
  )
  cameToAttentionOn?: string;
}

export class UpdateCaseRequest {
  @ApiProperty({ example: 3, description: 'The version you read; a stale one is a 409' })
  @Int4(1)
  version: number;

  @ApiPropertyOptional({ example: 'misconduct', enum: CaseType, enumName: 'CaseType' })
  @IsOptional()
  @IsEnum(CaseType)
  caseType?: CaseType;

  @ApiPropertyOptional({ example: 'conduct_matter', enum: MatterType, enumName: 'MatterType' })
  @IsOptional()
  @IsEnum(MatterType)
  matterType?: MatterType;

  @ApiPropertyOptional({
    example:
      'Fictional: DS Holloway is alleged to have pursued a relationship with a vulnerable victim of crime met on duty (APSP).',
    minLength: 1,
    maxLength: 20000,
  })
  @IsOptional()
  @IsString()
  @Length(1, 20000)
  allegationSummary?: string;

  @ApiPropertyOptional({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  @IsOptional()
  @IsEnum(CorruptionCategory)
  primaryCategory?: CorruptionCategory;

  @ApiPropertyOptional({ example: ['abuse_of_position_sexual', 'misuse_of_systems'] })
  @Categories()
  categories?: CorruptionCategory[];

  @ApiPropertyOptional({ example: ['c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08'] })
  @SubjectMemberIds(false)
  workforceMemberIds?: string[];

  @Facts()
  referralFacts?: ReferralCriterion[];

  @ApiPropertyOptional({ example: 'discreditable_conduct' })
  @NullableEnum(BreachType, 'BreachType')
  breachType?: BreachType | null;

  @ApiPropertyOptional({ example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45' })
  @NullableUser('An analyst or supervisor; null unassigns')
  investigatorId?: string | null;

  @ApiPropertyOptional({ example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67' })
  @NullableUser('A supervisor; null unassigns')
  supervisorId?: string | null;

  @ApiPropertyOptional({ example: ['3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70'] })
  @IntelligenceIds()
  intelligenceReportIds?: string[];
}

export class CaseActionRequest {
  @ApiPropertyOptional({ example: 3 })
  @OptionalVersion()
  version?: number;
}

export class SuspendCaseRequest extends CaseActionRequest {
  @ApiProperty({ example: 'Awaiting the Crown Court trial listed for 14 September 2026' })
  @Text(2000, 'Why, e.g. awaiting a criminal trial')
  reason: string;
}

export class AssessSeverityRequest {
  @ApiProperty({ example: 'gross_misconduct', enum: Severity, enumName: 'Severity' })
  @IsEnum(Severity)
  severity: Severity;

  @ApiProperty({
    example: 'A sexual approach to a vulnerable victim met on duty: if proven, dismissal would be justified',
  })
  @Text(4000)
  reason: string;

  @ApiPropertyOptional({
    example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08',
    format: 'uuid',
    description:
      'The subject assessed (severity is assessed per subject); omitted: every subject of the case',
  })
  @IsOptional()
  @IsUUID('all')
  workforceMemberId?: string;

  @ApiPropertyOptional({ example: 3 })
  @OptionalVersion()
  version?: number;
}

export class RecordUpdateRequest {
  @ApiProperty({ example: 'both', enum: UpdateRecipient, enumName: 'UpdateRecipient' })
  @IsEnum(UpdateRecipient)
  recipients: UpdateRecipient;

  @ApiPropertyOptional({ example: '2026-05-29T10:00:00.000Z' })
  @OptionalDateTime('When the update was given (default now)')
  givenAt?: string;
}

export class AddNoteRequest {
  @ApiProperty({ example: 'Statement taken from the victim; she supports an investigation' })
  @Text(20000, 'Sensitive: shown on the timeline only')
  text: string;
}
