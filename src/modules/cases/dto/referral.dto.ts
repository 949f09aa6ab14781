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

  @ApiPropertyOptional({ maxLength: 4000, description: 'Required for a voluntary referral: why' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  reason?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  iopcReference?: string;
}

export class ReferralDecisionRequest {
  @ApiProperty({ enum: IopcDecision, enumName: 'IopcDecision' })
  @IsEnum(IopcDecision)
  decision: IopcDecision;

  @DateOnly('When the IOPC decided')
  decidedOn: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  iopcReference?: string;
}

export class CorrectReferralRequest {
  @Text(
    4000,
    'Why the recorded referral or decision was wrong (kept in the timeline with the earlier values)',
  )
  reason: string;

  @ApiPropertyOptional({ format: 'date', description: 'The corrected date of referral' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  referredOn?: string;

  @ApiPropertyOptional({ enum: ReferralBasis, enumName: 'ReferralBasis' })
  @IsOptional()
  @IsEnum(ReferralBasis)
  basis?: ReferralBasis;

  @ApiPropertyOptional({
    enum: IopcDecision,
    enumName: 'IopcDecision',
    description: 'The corrected IOPC decision',
  })
  @IsOptional()
  @IsEnum(IopcDecision)
  decision?: IopcDecision;

  @ApiPropertyOptional({ format: 'date', description: 'The corrected date of the IOPC decision' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  decidedOn?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  iopcReference?: string;
}

export class NoReferralRequest {
  @Text(4000, 'Why no referral was made although the mandatory criteria are met')
  reason: string;
}

export class ReferralView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date' })
  referredOn: string;

  @ApiProperty({ description: 'Financial year label, e.g. 2017/18' })
  financialYear: string;

  @ApiProperty({ enum: ReferralBasis, enumName: 'ReferralBasis' })
  basis: ReferralBasis;

  @ApiProperty({ enum: ReferralCriterion, enumName: 'ReferralCriterion', isArray: true })
  criteria: ReferralCriterion[];

  @ApiProperty({ nullable: true, type: String })
  reason: string | null;

  @ApiProperty({ nullable: true, type: String })
  iopcReference: string | null;

  @ApiProperty({ enum: IopcDecision, enumName: 'IopcDecision', nullable: true })
  decision: IopcDecision | null;

  @ApiProperty({ format: 'date', nullable: true, type: String })
  decidedOn: string | null;

  @ApiProperty({ format: 'uuid' })
  recordedBy: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  decisionRecordedBy: string | null;
}

export class NoReferralView {
  @ApiProperty()
  reason: string;

  @ApiProperty({ format: 'uuid' })
  recordedBy: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;
}

export class ReferralStatusView {
  @ApiProperty({ description: 'The case meets a mandatory referral criterion' })
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
    description: 'A required referral is neither recorded nor explained: investigation cannot start',
  })
  blocksInvestigation: boolean;
}
