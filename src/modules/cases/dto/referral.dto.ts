import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { IopcDecision, ReferralBasis, ReferralCriterion } from '../cases.enums.js';
import { DateOnly, Text } from './case-decorators.js';

// The IOPC referral: its requests and views.

export class RecordReferralRequest {
  @DateOnly('The date of referral to the IOPC')
  referredOn: string;

  @ApiProperty({ enum: ReferralBasis, enumName: 'ReferralBasis' })
  @IsEnum(ReferralBasis)
  basis: ReferralBasis;

  @ApiPropertyOptional({
    enum: ReferralCriterion,
    enumName: 'ReferralCriterion',
    isArray: true,
    description: 'Defaults to the criteria the case meets',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(9)
  @ArrayUnique()
  @IsEnum(ReferralCriterion, { each: true })
  criteria?: ReferralCriterion[];

  @ApiPropertyOptional({
    example: 'Voluntary referral: repeated disclosure of custody records to an associate (gravity)',
    maxLength: 4000,
    description: 'Required for a voluntary referral: why',
  })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  reason?: string;

  @ApiPropertyOptional({ example: '2026/214587', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  iopcReference?: string;
}

export class ReferralDecisionRequest {
  @ApiProperty({ example: 'directed', enum: IopcDecision, enumName: 'IopcDecision' })
  @IsEnum(IopcDecision)
  decision: IopcDecision;

  @DateOnly('When the IOPC decided')
  decidedOn: string;

  @ApiPropertyOptional({ example: '2026/214587', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  iopcReference?: string;
}

export class CorrectReferralRequest {
  @ApiProperty({ example: 'The IOPC decision letter is dated 3 June, not 10 June' })
  @Text(
    4000,
    'Why the recorded referral or decision was wrong (kept in the timeline with the earlier values)',
  )
  reason: string;

  @ApiPropertyOptional({
    example: '2026-05-27',
    format: 'date',
    description: 'The corrected date of referral',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  referredOn?: string;

  @ApiPropertyOptional({ enum: ReferralBasis, enumName: 'ReferralBasis' })
  @IsOptional()
  @IsEnum(ReferralBasis)
  basis?: ReferralBasis;

  @ApiPropertyOptional({
    example: 'directed',
    enum: IopcDecision,
    enumName: 'IopcDecision',
    description: 'The corrected IOPC decision',
  })
  @IsOptional()
  @IsEnum(IopcDecision)
  decision?: IopcDecision;

  @ApiPropertyOptional({
    example: '2026-06-03',
    format: 'date',
    description: 'The corrected date of the IOPC decision',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  decidedOn?: string;

  @ApiPropertyOptional({ example: '2026/214587', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  iopcReference?: string;
}

export class NoReferralRequest {
  @ApiProperty({
    example:
      'Contact with the caller was professional and logged on the incident record; no APSP criterion met',
  })
  @Text(4000, 'Why no referral was made although the mandatory criteria are met')
  reason: string;
}

export class ReferralView {
  @ApiProperty({ example: 'f1c6a3e8-2b9d-4e7f-8a5c-9b3e6d1f4a52', format: 'uuid' })
  id: string;

  @ApiProperty({ example: '2026-05-27', format: 'date' })
  referredOn: string;

  @ApiProperty({ example: '2026/27', description: 'Financial year label, e.g. 2017/18' })
  financialYear: string;

  @ApiProperty({ enum: ReferralBasis, enumName: 'ReferralBasis' })
  basis: ReferralBasis;

  @ApiProperty({ enum: ReferralCriterion, enumName: 'ReferralCriterion', isArray: true })
  criteria: ReferralCriterion[];

  @ApiProperty({ example: null, nullable: true, type: String })
  reason: string | null;

  @ApiProperty({ example: '2026/214587', nullable: true, type: String })
  iopcReference: string | null;

  @ApiProperty({ example: 'directed', enum: IopcDecision, enumName: 'IopcDecision', nullable: true })
  decision: IopcDecision | null;

  @ApiProperty({ example: '2026-06-10', format: 'date', nullable: true, type: String })
  decidedOn: string | null;

  @ApiProperty({ example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67', format: 'uuid' })
  recordedBy: string;

  @ApiProperty({
    example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  decisionRecordedBy: string | null;
}

export class NoReferralView {
  @ApiProperty({
    example:
      'Contact with the caller was professional and logged on the incident record; no APSP criterion met',
  })
  reason: string;

  @ApiProperty({ example: '7d3a8f1e-4c2b-4b9d-a6e5-3f1c9b8d2a67', format: 'uuid' })
  recordedBy: string;

  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' })
  recordedAt: string;
}

export class ReferralStatusView {
  @ApiProperty({ example: true, description: 'The case meets a mandatory referral criterion' })
  referralRequired: boolean;

  @ApiProperty({ enum: ReferralCriterion, enumName: 'ReferralCriterion', isArray: true })
  criteriaMet: ReferralCriterion[];

  @ApiProperty({ enum: ReferralCriterion, enumName: 'ReferralCriterion', isArray: true })
  facts: ReferralCriterion[];

  @ApiProperty({ type: ReferralView, nullable: true })
  referral: ReferralView | null;

  @ApiProperty({ type: NoReferralView, nullable: true })
  noReferral: NoReferralView | null;

  @ApiProperty({
    example: false,
    description: 'A required referral is neither recorded nor explained: investigation cannot start',
  })
  blocksInvestigation: boolean;
}
