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
  SubjectIds,
  IntelligenceIds,
  NullableUser,
} from './case-decorators.js';

// Requests that create and change a case.

export class CreateCaseRequest {
  @ApiProperty({ enum: CaseType, enumName: 'CaseType' })
  @IsEnum(CaseType)
  caseType: CaseType;

  @ApiProperty({ enum: MatterType, enumName: 'MatterType' })
  @IsEnum(MatterType)
  matterType: MatterType;

  @Text(20000, 'Sensitive: never logged or audited')
  allegationSummary: string;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  @IsEnum(CorruptionCategory)
  primaryCategory: CorruptionCategory;

  @Categories()
  categories?: CorruptionCategory[];

  @SubjectIds(true)
  subjectIds: string[];

  @Facts()
  referralFacts?: ReferralCriterion[];

  @NullableEnum(BreachType, 'BreachType')
  breachType?: BreachType | null;

  @NullableUser('An analyst or supervisor')
  investigatorId?: string | null;

  @NullableUser('A supervisor')
  supervisorId?: string | null;

  @IntelligenceIds()
  intelligenceReportIds?: string[];

  @OptionalDateTime('When the matter was recorded, if earlier than now (back-recording)')
  recordedAt?: string;

  @OptionalDate(
    'The date (London) the matter came to the force’s attention, when earlier than its recording (a case opened from old intelligence); it fixes the officers’ regime. Not in the future, not after the recorded date. Default: the earliest of the linked reports’ receipt and the recorded date',
  )
  cameToAttentionOn?: string;
}

export class UpdateCaseRequest {
  @ApiProperty({ description: 'The version you read; a stale one is a 409' })
  @Int4(1)
  version: number;

  @ApiPropertyOptional({ enum: CaseType, enumName: 'CaseType' })
  @IsOptional()
  @IsEnum(CaseType)
  caseType?: CaseType;

  @ApiPropertyOptional({ enum: MatterType, enumName: 'MatterType' })
  @IsOptional()
  @IsEnum(MatterType)
  matterType?: MatterType;

  @ApiPropertyOptional({ minLength: 1, maxLength: 20000 })
  @IsOptional()
  @IsString()
  @Length(1, 20000)
  allegationSummary?: string;

  @ApiPropertyOptional({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  @IsOptional()
  @IsEnum(CorruptionCategory)
  primaryCategory?: CorruptionCategory;

  @Categories()
  categories?: CorruptionCategory[];

  @SubjectIds(false)
  subjectIds?: string[];

  @Facts()
  referralFacts?: ReferralCriterion[];

  @NullableEnum(BreachType, 'BreachType')
  breachType?: BreachType | null;

  @NullableUser('An analyst or supervisor; null unassigns')
  investigatorId?: string | null;

  @NullableUser('A supervisor; null unassigns')
  supervisorId?: string | null;

  @IntelligenceIds()
  intelligenceReportIds?: string[];
}

export class CaseActionRequest {
  @OptionalVersion()
  version?: number;
}

export class SuspendCaseRequest extends CaseActionRequest {
  @Text(2000, 'Why, e.g. awaiting a criminal trial')
  reason: string;
}

export class AssessSeverityRequest {
  @ApiProperty({ enum: Severity, enumName: 'Severity' })
  @IsEnum(Severity)
  severity: Severity;

  @Text(4000)
  reason: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The subject assessed (severity is assessed per subject); omitted: every subject of the case',
  })
  @IsOptional()
  @IsUUID('all')
  subjectId?: string;

  @OptionalVersion()
  version?: number;
}

export class RecordUpdateRequest {
  @ApiProperty({ enum: UpdateRecipient, enumName: 'UpdateRecipient' })
  @IsEnum(UpdateRecipient)
  recipients: UpdateRecipient;

  @OptionalDateTime('When the update was given (default now)')
  givenAt?: string;
}

export class AddNoteRequest {
  @Text(20000, 'Sensitive: shown on the timeline only')
  text: string;
}
