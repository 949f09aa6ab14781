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
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The first characters of the key, to tell keys apart' }) keyPrefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) rotatedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
}

export class SourceWithKey extends SourceView {
  @ApiProperty({ description: 'The API key: shown once, stored only as its hash. Send it as X-Source-Key.' })
  key: string;
}

export class IngestRejection {
  @ApiProperty({ description: 'Line of the batch (1-based)' }) line: number;
  @ApiProperty() reason: string;
}

export class IngestResult {
  @ApiProperty({ description: 'Rows that passed validation' }) accepted: number;
  @ApiProperty({ description: 'Rows stored now (accepted rows already stored are not stored twice)' })
  stored: number;
  @ApiProperty({ description: 'Accepted rows already stored (the same source, event id and time)' })
  duplicates: number;
  @ApiProperty({ type: [IngestRejection] }) rejected: IngestRejection[];
}

export class RuleView {
  @ApiProperty({ enum: RuleCode, enumName: 'MonitoringRuleCode' }) code: RuleCode;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  thresholds: Record<string, number>;
  @ApiProperty({ description: 'The plain-language reason every flag of the rule carries' }) reason: string;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class UpdateRuleRequest {
  @Type(() => Number) @Int4(1) version: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' } })
  @IsOptional()
  @IsObject()
  thresholds?: Record<string, number>;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class TrialRequest {
  @ApiProperty({ format: 'date', description: 'First London day of the period' })
  @IsDateString({ strict: true })
  @Matches(DAY, { message: 'from must be a date (YYYY-MM-DD)' })
  from: string;

  @ApiProperty({ format: 'date', description: 'Last London day of the period' })
  @IsDateString({ strict: true })
  @Matches(DAY, { message: 'to must be a date (YYYY-MM-DD)' })
  to: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Proposed thresholds (default: the current ones)',
  })
  @IsOptional()
  @IsObject()
  thresholds?: Record<string, number>;
}

export class DepartmentCount {
  @ApiProperty() department: string;
  @ApiProperty({ description: 'Flags the proposed thresholds would raise' }) proposed: number;
  @ApiProperty({ description: 'Flags the current thresholds would raise' }) current: number;
  @ApiProperty({ description: 'proposed - current' }) difference: number;
}

export class TrialResult {
  @ApiProperty({ enum: RuleCode, enumName: 'MonitoringRuleCode' }) code: RuleCode;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } }) proposed: Record<
    string,
    number
  >;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } }) current: Record<string, number>;
  @ApiProperty({ description: 'Flags the proposed thresholds would raise in the period' })
  proposedTotal: number;
  @ApiProperty({ description: 'Flags the current thresholds would raise in the period' })
  currentTotal: number;
  @ApiProperty({ type: [DepartmentCount], description: 'Counts by department: never names' })
  byDepartment: DepartmentCount[];
  @ApiProperty({ description: 'Flags about the caller were left out of the counts' })
  callerRecordsExcluded: boolean;
}

export class FlagEvent {
  @ApiProperty({ enum: ['access', 'contact'] }) kind: 'access' | 'contact';
  @ApiProperty({ format: 'uuid' }) sourceId: string;
  @ApiProperty() eventId: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({
    enum: [...Object.values(AccessAction), ...Object.values(ContactChannel)],
    description: 'What was done (an access: view, search, print, export), or the contact channel',
  })
  action: string;
  @ApiProperty({ nullable: true, type: String }) recordType: string | null;
  @ApiProperty({ nullable: true, type: String }) recordId: string | null;
  @ApiProperty({ nullable: true, type: String }) personRef: string | null;
}

export class FlagView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: RuleCode, enumName: 'MonitoringRuleCode' }) ruleCode: RuleCode;
  @ApiProperty({ format: 'uuid' }) workforceMemberId: string;
  @ApiProperty({ format: 'date' }) windowStart: string;
  @ApiProperty({ format: 'date' }) windowEnd: string;
  @ApiProperty() reason: string;
  @ApiProperty() eventCount: number;
  @ApiProperty({ type: [FlagEvent], description: 'The first 50 events, as evidence' }) events: FlagEvent[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The lead raised from the flag' })
  reportId: string | null;
  @ApiProperty({ format: 'date-time' }) raisedAt: string;
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
