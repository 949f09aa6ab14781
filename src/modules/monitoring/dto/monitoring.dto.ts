import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsEnum,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { Int4 } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';
import { AccessAction, ContactChannel, RuleCode } from '../monitoring.enums.js';

export class CreateSourceRequest {
  @ApiProperty({ example: 'Records management (Niche)', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;
}

export class SourceView {
  @ApiProperty({ example: '0f4b8e2d-7c3a-4e9f-b6d1-3a8c5e7f2b46', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Niche RMS audit feed' }) name: string;
  @ApiProperty({ example: 'lnt_4Fq9', description: 'The first characters of the key, to tell keys apart' })
  keyPrefix: string;
  @ApiProperty({ example: '2026-01-12T10:00:00.000Z', format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String }) rotatedAt: string | null;
  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
}

export class SourceWithKey extends SourceView {
  @ApiProperty({
    example: 'lnt_4Fq9ZxT2mW7pR1cK8vJ3yB6nH0dS5gA',
    description: 'The API key: shown once, stored only as its hash. Send it as X-Source-Key.',
  })
  key: string;
}

export class IngestRejection {
  @ApiProperty({ example: 3, description: 'Line of the batch (1-based)' }) line: number;
  @ApiProperty({ example: 'occurredAt must be an ISO 8601 date-time' }) reason: string;
}

export class IngestResult {
  @ApiProperty({ example: 498, description: 'Rows that passed validation' }) accepted: number;
  @ApiProperty({
    example: 486,
    description: 'Rows stored now (accepted rows already stored are not stored twice)',
  })
  stored: number;
  @ApiProperty({
    example: 12,
    description: 'Accepted rows already stored (the same source, event id and time)',
  })
  duplicates: number;
  @ApiProperty({ type: [IngestRejection] }) rejected: IngestRejection[];
}

export class RuleView {
  @ApiProperty({ example: 'vulnerable_repeat_access', enum: RuleCode, enumName: 'MonitoringRuleCode' })
  code: RuleCode;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({
    example: { minDays: 3, windowDays: 14 },
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  thresholds: Record<string, number>;
  @ApiProperty({
    example:
      'Repeated views of records naming the same vulnerable person, on several days, with no task that needs them',
    description: 'The plain-language reason every flag of the rule carries',
  })
  reason: string;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ example: '2026-04-20T14:00:00.000Z', format: 'date-time' }) updatedAt: string;
}

export class UpdateRuleRequest {
  @ApiProperty({ example: 3 })
  @Type(() => Number)
  @Int4(1)
  version: number;
  @ApiPropertyOptional({ example: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({
    example: { minDays: 3, windowDays: 14 },
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  @IsOptional()
  @IsObject()
  thresholds?: Record<string, number>;
  @ApiPropertyOptional({
    example:
      'Repeated views of records naming the same vulnerable person, on several days, with no task that needs them',
    maxLength: 500,
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class TrialRequest {
  @ApiProperty({ example: '2026-05-01', format: 'date', description: 'First London day of the period' })
  @IsDateString({ strict: true })
  @Matches(DAY, { message: 'from must be a date (YYYY-MM-DD)' })
  from: string;

  @ApiProperty({ example: '2026-05-31', format: 'date', description: 'Last London day of the period' })
  @IsDateString({ strict: true })
  @Matches(DAY, { message: 'to must be a date (YYYY-MM-DD)' })
  to: string;

  @ApiPropertyOptional({
    example: { minDays: 2, windowDays: 14 },
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Proposed thresholds (default: the current ones)',
  })
  @IsOptional()
  @IsObject()
  thresholds?: Record<string, number>;
}

export class DepartmentCount {
  @ApiProperty({ example: 'Response Policing North' }) department: string;
  @ApiProperty({ example: 9, description: 'Flags the proposed thresholds would raise' }) proposed: number;
  @ApiProperty({ example: 6, description: 'Flags the current thresholds would raise' }) current: number;
  @ApiProperty({ example: 3, description: 'proposed - current' }) difference: number;
}

export class TrialResult {
  @ApiProperty({ example: 'vulnerable_repeat_access', enum: RuleCode, enumName: 'MonitoringRuleCode' })
  code: RuleCode;
  @ApiProperty({ example: '2026-05-01', format: 'date' }) from: string;
  @ApiProperty({ example: '2026-05-31', format: 'date' }) to: string;
  @ApiProperty({
    example: { minDays: 2, windowDays: 14 },
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  proposed: Record<string, number>;
  @ApiProperty({
    example: { minDays: 3, windowDays: 14 },
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  current: Record<string, number>;
  @ApiProperty({ example: 27, description: 'Flags the proposed thresholds would raise in the period' })
  proposedTotal: number;
  @ApiProperty({ example: 19, description: 'Flags the current thresholds would raise in the period' })
  currentTotal: number;
  @ApiProperty({ type: [DepartmentCount], description: 'Counts by department: never names' })
  byDepartment: DepartmentCount[];
  @ApiProperty({ example: false, description: 'Flags about the caller were left out of the counts' })
  callerRecordsExcluded: boolean;
}

export class FlagEvent {
  @ApiProperty({ enum: ['access', 'contact'] }) kind: 'access' | 'contact';
  @ApiProperty({ example: '0f4b8e2d-7c3a-4e9f-b6d1-3a8c5e7f2b46', format: 'uuid' }) sourceId: string;
  @ApiProperty({ example: 'NICHE-20260603-884213' }) eventId: string;
  @ApiProperty({ example: '2026-06-03T22:47:12.000Z', format: 'date-time' }) occurredAt: string;
  @ApiProperty({
    example: 'view',
    enum: [...Object.values(AccessAction), ...Object.values(ContactChannel)],
    description: 'What was done (an access: view, search, print, export), or the contact channel',
  })
  action: string;
  @ApiProperty({ example: 'crime', nullable: true, type: String }) recordType: string | null;
  @ApiProperty({ example: 'CR/26/004417', nullable: true, type: String }) recordId: string | null;
  @ApiProperty({ example: 'NP-77120', nullable: true, type: String }) personRef: string | null;
}

export class FlagView {
  @ApiProperty({ example: '5d1f9a3c-8e6b-4c2d-a9f7-1b4e8c6a3d95', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'vulnerable_repeat_access', enum: RuleCode, enumName: 'MonitoringRuleCode' })
  ruleCode: RuleCode;
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' }) workforceMemberId: string;
  @ApiProperty({ example: '2026-05-20', format: 'date' }) windowStart: string;
  @ApiProperty({ example: '2026-06-03', format: 'date' }) windowEnd: string;
  @ApiProperty({
    example:
      'Repeated views of records naming the same vulnerable person, on several days, with no task that needs them',
  })
  reason: string;
  @ApiProperty({ example: 6 }) eventCount: number;
  @ApiProperty({ type: [FlagEvent], description: 'The first 50 events, as evidence' }) events: FlagEvent[];
  @ApiProperty({
    example: null,
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The lead raised from the flag',
  })
  reportId: string | null;
  @ApiProperty({ example: '2026-06-04T02:00:00.000Z', format: 'date-time' }) raisedAt: string;
}

export class FlagPage extends PageMeta {
  @ApiProperty({ type: [FlagView] }) items: FlagView[];
}

export class FlagQuery extends PageQuery {
  @ApiPropertyOptional({ enum: RuleCode, enumName: 'MonitoringRuleCode' })
  @IsOptional()
  @IsEnum(RuleCode)
  ruleCode?: RuleCode;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  workforceMemberId?: string;
}
