import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDateString,
  IsDefined,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { CaseType, MatterType } from '../../cases/cases.enums.js';
import { NARRATIVE_MAX, ReviewDecision } from '../intelligence.enums.js';
import { TEXT_MAX } from './report-input.dto.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export class AssignRequest {
  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    description: 'A user with the analyst or supervisor role',
  })
  @IsUUID('all')
  assigneeId: string;
}

export class SubmitForReviewRequest {
  @ApiProperty({
    example:
      'Source 2 (untested), intelligence B (known indirectly, corroborated by the ICT audit of 2 June). Grounds to open a case: APSP, vulnerable victim.',
    maxLength: NARRATIVE_MAX,
    description: 'The assessment. Sensitive; every version is kept',
  })
  @IsString()
  @Length(1, NARRATIVE_MAX)
  assessmentText: string;

  @ApiProperty({ example: 'referred_to_case', enum: ReviewDecision, enumName: 'ReviewDecision' })
  @IsEnum(ReviewDecision)
  recommendedDecision: ReviewDecision;
}

export class SendBackRequest {
  @ApiProperty({
    example:
      'Say which ICT audit corroborates the account, and grade the source 2: the caller has not reported before',
    maxLength: TEXT_MAX,
    description: 'Why the assessment goes back to its analyst',
  })
  @IsString()
  @Length(1, TEXT_MAX)
  reason: string;
}

const requiredFor = (decision: ReviewDecision, field: string): PropertyDecorator =>
  applyDecorators(
    ValidateIf((o: ReviewRequest) => o.decision === decision),
    IsDefined({ message: `${field} is required when the decision is ${decision}` }),
  );

export class ReviewRequest {
  @ApiProperty({ example: 'referred_to_case', enum: ReviewDecision, enumName: 'ReviewDecision' })
  @IsEnum(ReviewDecision)
  decision: ReviewDecision;

  @ApiPropertyOptional({
    example: 'Association declared in 2024 and managed by the line manager; no further corruption indicators',
    description: 'Required for no_further_action',
  })
  @requiredFor(ReviewDecision.NoFurtherAction, 'reason')
  @IsString()
  @Length(1, TEXT_MAX)
  reason?: string;

  @ApiPropertyOptional({
    example: '2026-07-15',
    format: 'date',
    description: 'Required for development: when it comes back (after today)',
  })
  @requiredFor(ReviewDecision.Development, 'reviewDate')
  @Matches(DATE_ONLY, { message: 'reviewDate must be a date (YYYY-MM-DD)' })
  @IsDateString({ strict: true })
  reviewDate?: string;

  @ApiPropertyOptional({
    example: '8a1d5e27-6c4b-4f0e-b3a9-2e7d9c1f5b34',
    format: 'uuid',
    description:
      'For referred_to_case: the existing case to link it to; omit to open a new case from the report (its subjects and categories)',
  })
  @IsOptional()
  @IsUUID('all')
  caseId?: string;

  @ApiPropertyOptional({
    example: 'misconduct',
    enum: CaseType,
    enumName: 'CaseType',
    description: 'For referred_to_case without caseId: the new case’s type (default misconduct)',
  })
  @IsOptional()
  @IsEnum(CaseType)
  caseType?: CaseType;

  @ApiPropertyOptional({
    example: 'conduct_matter',
    enum: MatterType,
    enumName: 'MatterType',
    description: 'For referred_to_case without caseId: the new case’s matter type (default conduct_matter)',
  })
  @IsOptional()
  @IsEnum(MatterType)
  matterType?: MatterType;

  @ApiPropertyOptional({
    example: 'Force Vetting Unit',
    description: 'Required for disseminated: who receives it',
  })
  @requiredFor(ReviewDecision.Disseminated, 'recipient')
  @IsString()
  @Length(1, 200)
  recipient?: string;

  @ApiPropertyOptional({
    example: true,
    description: 'Dissemination: the recipient is inside the force (5x5x5 handling code 4)',
  })
  @IsOptional()
  @IsBoolean()
  recipientInternal?: boolean;

  @ApiPropertyOptional({
    example: true,
    description: 'Dissemination under 3x5x2 handling C: the recorded conditions apply',
  })
  @IsOptional()
  @IsBoolean()
  conditionsConfirmed?: boolean;
}
