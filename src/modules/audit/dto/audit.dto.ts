import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, Matches, ValidateBy } from 'class-validator';
import { AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES } from '../../../catalogue.js';
import { OptionalDateTime, OptionalUuid } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';
import { Role } from '../../../common/auth/roles.js';
import { AuditOutcome } from '../audit.types.js';

/**
 * One of the catalogue's codes (src/catalogue.ts), as the OpenAPI document lists them: an unknown action or
 * resource type is a 400 naming the parameter, not an empty page. The list is read when a value is checked,
 * not when the class is defined (the catalogue imports every module's codes).
 */
const CatalogueCode = (what: string, codes: () => readonly string[]): PropertyDecorator =>
  ValidateBy({
    name: 'isCatalogueCode',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && codes().includes(value),
      defaultMessage: (args) => `${args?.property ?? what} must be ${what} listed in the API description`,
    },
  });

export class AuditQuery extends PageQuery {
  @OptionalUuid('Events by this user')
  userId?: string;

  @ApiPropertyOptional({ example: 'intelligence_report' })
  @IsOptional()
  @CatalogueCode('a resource type', () => AUDIT_RESOURCE_TYPES)
  resourceType?: string;

  @ApiPropertyOptional({ description: 'With resourceType: events about this one record' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'resourceId must be a record id' })
  resourceId?: string;

  @OptionalUuid('Events about records that concern this workforce member')
  workforceMemberId?: string;

  @ApiPropertyOptional({ example: 'intelligence.read' })
  @IsOptional()
  @CatalogueCode('an audit action', () => AUDIT_ACTIONS)
  action?: string;

  @ApiPropertyOptional({ enum: AuditOutcome, enumName: 'AuditOutcome' })
  @IsOptional()
  @IsEnum(AuditOutcome)
  outcome?: AuditOutcome;

  @OptionalDateTime('From this time (inclusive)')
  from?: string;

  @OptionalDateTime('Before this time (exclusive)')
  to?: string;
}

export class AuditEventView {
  @ApiProperty({ example: '1042' })
  seq: string;

  @ApiProperty({ example: '2026-06-03T09:12:45.000Z', format: 'date-time' })
  occurredAt: string;

  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  userId: string | null;

  @ApiProperty({
    example: 'Priya Shah',
    nullable: true,
    type: String,
    description: 'The acting user’s display name',
  })
  actorName: string | null;

  @ApiProperty({
    example: ['analyst'],
    enum: Role,
    enumName: 'Role',
    isArray: true,
    description: 'The acting user’s roles then',
  })
  roles: string[];

  @ApiProperty({ example: 'intelligence.read' })
  action: string;

  @ApiProperty({ example: 'intelligence_report' })
  resourceType: string;

  @ApiProperty({ example: '3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70', nullable: true, type: String })
  resourceId: string | null;

  @ApiProperty({
    example: ['c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08'],
    type: [String],
    description: 'Workforce members the record concerns',
  })
  workforceMemberIds: string[];

  @ApiProperty({ enum: AuditOutcome, enumName: 'AuditOutcome' })
  outcome: AuditOutcome;

  @ApiProperty({ example: '5f0c2a8e-3c1b-4c1e-9a51-8d2f0a7c9b11', nullable: true, type: String })
  requestId: string | null;

  @ApiProperty({ example: '10.20.4.17', nullable: true, type: String })
  clientAddress: string | null;

  @ApiProperty({
    example: { filters: { category: 'abuse_of_position_sexual' }, returned: 12 },
    type: Object,
    description: 'Returned ids, filters, reasons; never record content',
  })
  details: Record<string, unknown>;
}

export class AuditEventPage extends PageMeta {
  @ApiProperty({ type: [AuditEventView] })
  items: AuditEventView[];

  @ApiProperty({
    example: false,
    description:
      'true when the caller is linked to a workforce member: events concerning them (naming them among the subject ids) are left out (conflict of interest), so the trail shown is not the whole trail',
  })
  callerRecordsExcluded: boolean;
}

export class AuditFailure {
  @ApiProperty({ example: '1042' })
  seq: string;

  @ApiProperty({ enum: ['missing', 'broken_link', 'altered'] })
  problem: 'missing' | 'broken_link' | 'altered';
}

export class AuditVerification {
  @ApiProperty({ example: true })
  valid: boolean;

  @ApiProperty({ example: 48213, description: 'Events checked' })
  checked: number;

  @ApiProperty({ type: AuditFailure, nullable: true, description: 'The first sequence number that fails' })
  firstFailure: AuditFailure | null;

  @ApiProperty({ example: '2026-06-05T07:00:00.000Z', format: 'date-time' })
  verifiedAt: string;
}
