import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsEnum,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { Int4, OptionalUuid } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';
import { MemberType } from '../../workforce/workforce.enums.js';
import {
  AlertKind,
  AlertSource,
  AlertStatus,
  ClearanceStatus,
  DeclarationCategory,
  VettingLevel,
  VettingState,
} from '../vetting.enums.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

// ---------- Clearances ----------

export class RecordClearanceRequest {
  @ApiProperty({ example: 'MV', enum: VettingLevel, enumName: 'VettingLevel' })
  @IsEnum(VettingLevel)
  level: VettingLevel;

  @ApiProperty({ format: 'date', example: '2026-03-31', description: 'Not in the future' })
  @Matches(DATE, { message: 'grantedOn must be a date (YYYY-MM-DD)' })
  grantedOn: string;

  @ApiPropertyOptional({
    example: '2033-06-04',
    format: 'date',
    description:
      'Omit to compute it from the renewal period configured for the level; must be after grantedOn',
  })
  @IsOptional()
  @Matches(DATE, { message: 'expiresOn must be a date (YYYY-MM-DD)' })
  expiresOn?: string;
}

export class WithdrawClearanceRequest {
  @ApiProperty({ example: 'Vetting withdrawn following review', description: 'Why (no personal details)' })
  @Transform(trim)
  @IsString()
  @Length(3, 500)
  reason: string;

  @ApiPropertyOptional({
    example: '2026-06-05',
    format: 'date',
    description: 'Default today; not in the future',
  })
  @IsOptional()
  @Matches(DATE, { message: 'withdrawnOn must be a date (YYYY-MM-DD)' })
  withdrawnOn?: string;

  @ApiProperty({ example: 3, description: 'The version you read; a stale one is a 409' })
  @Int4(1)
  version: number;
}

export class ClearanceView {
  @ApiProperty({ example: '2a7f9c4e-8b3d-4e1a-9f6c-1d5b8e3a7c26', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' }) workforceMemberId: string;
  @ApiProperty({ example: 'MV', enum: VettingLevel, enumName: 'VettingLevel' }) level: VettingLevel;
  @ApiProperty({ example: '2019-03-18', format: 'date' }) grantedOn: string;
  @ApiProperty({
    example: '2029-03-17',
    format: 'date',
    description: 'Valid until the day before; expired from this day',
  })
  expiresOn: string;
  @ApiProperty({
    example: '2028-12-17',
    format: 'date',
    description: 'First day of the renewal warning window',
  })
  renewalDueFrom: string;
  @ApiProperty({ enum: ClearanceStatus, enumName: 'ClearanceStatus', description: 'As of today' })
  status: ClearanceStatus;
  @ApiProperty({ example: null, format: 'date', nullable: true, type: String }) supersededOn: string | null;
  @ApiProperty({ example: null, format: 'uuid', nullable: true, type: String }) supersededById: string | null;
  @ApiProperty({ example: null, format: 'date', nullable: true, type: String }) withdrawnOn: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) withdrawalReason: string | null;
  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  recordedBy: string | null;
  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' }) recordedAt: string;
  @ApiProperty({ example: 3 }) version: number;
}

export class ClearancePage extends PageMeta {
  @ApiProperty({ type: [ClearanceView] }) items: ClearanceView[];
}

// ---------- Declarations ----------

const trimEach = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;

/** A person the member declares an association with, as the force's systems know them. */
export class DeclaredAssociateInput {
  @ApiProperty({ example: 'Darren Mills', description: 'The person’s name', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({
    example: '1984-03-17',
    format: 'date',
    description: 'Their date of birth, when known; in the past',
  })
  @IsOptional()
  @Matches(DATE, { message: 'dateOfBirth must be a date (YYYY-MM-DD)' })
  dateOfBirth?: string;

  @ApiPropertyOptional({
    example: ['NP-77120'],
    type: [String],
    maxItems: 20,
    description:
      'Their ids in the force’s systems (records management person id, PNC id...), as the systems’ access ' +
      'events name them (`people[].ref`): ICT monitoring flags the member’s look-ups of these',
  })
  @IsOptional()
  @Transform(trimEach)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  personRefs?: string[];
}

export class DeclaredAssociateView {
  @ApiProperty({ example: 'Darren Mills' }) name: string;
  @ApiProperty({ example: '1984-03-17', format: 'date', nullable: true, type: String })
  dateOfBirth: string | null;
  @ApiProperty({ example: ['NP-77120'], type: [String] }) personRefs: string[];
}

export class DeclarationRequest {
  @ApiProperty({ enum: DeclarationCategory, enumName: 'DeclarationCategory' })
  @IsEnum(DeclarationCategory)
  category: DeclarationCategory;

  @ApiProperty({
    example: '2026-05-28',
    format: 'date',
    description: 'When the person declared it; not in the future',
  })
  @Matches(DATE, { message: 'declaredOn must be a date (YYYY-MM-DD)' })
  declaredOn: string;

  @ApiProperty({
    example: 'Declared a close friendship with a licensee of a premises on her patrol area',
    description: 'What was declared (kept for vetting staff; never logged or sent on)',
  })
  @Transform(trim)
  @IsString()
  @Length(1, 10000)
  description: string;

  @ApiPropertyOptional({
    type: [DeclaredAssociateInput],
    maxItems: 20,
    description: 'For an association or relationship: the people declared (other categories take none)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => DeclaredAssociateInput)
  associates?: DeclaredAssociateInput[];
}

export class DeclarationView {
  @ApiProperty({ example: '8e5a3c1f-7b2d-4e6a-9c8f-2d4b6a1e3f57', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' }) workforceMemberId: string;
  @ApiProperty({ enum: DeclarationCategory, enumName: 'DeclarationCategory' }) category: DeclarationCategory;
  @ApiProperty({ example: '2026-05-28', format: 'date' }) declaredOn: string;
  @ApiProperty({ example: 'Declared a close friendship with a licensee of a premises on her patrol area' })
  description: string;
  @ApiProperty({ type: [DeclaredAssociateView], description: 'The people declared (associations)' })
  associates: DeclaredAssociateView[];
  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  recordedBy: string | null;
  @ApiProperty({ example: '2026-05-11T08:42:17.000Z', format: 'date-time' }) recordedAt: string;
  @ApiProperty({
    example: '6e2b9d4a-5f8c-4a7e-b1d3-8c6f4a2e9b70',
    format: 'uuid',
    description: 'The review_required alert it raised',
  })
  alertId: string;
}

export class DeclarationPage extends PageMeta {
  @ApiProperty({ type: [DeclarationView] }) items: DeclarationView[];
}

// ---------- Alerts ----------

export class AlertMember {
  @ApiProperty({ example: 'c2b7e5d1-9f3a-4a6e-8d2c-5b1e7f9a3c08', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'DS4127' }) staffNumber: string;
  @ApiProperty({ example: 'Karen' }) givenName: string;
  @ApiProperty({ example: 'Holloway' }) familyName: string;
  @ApiProperty({
    example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  departmentId: string | null;
  @ApiProperty({ example: 'Response Policing North', nullable: true, type: String }) departmentName:
    string | null;
}

export class AlertView {
  @ApiProperty({ example: '6e2b9d4a-5f8c-4a7e-b1d3-8c6f4a2e9b70', format: 'uuid' }) id: string;
  @ApiProperty({ enum: AlertKind, enumName: 'AlertKind' }) kind: AlertKind;
  @ApiProperty({ enum: AlertStatus, enumName: 'AlertStatus' }) status: AlertStatus;
  @ApiProperty({ type: AlertMember }) workforceMember: AlertMember;
  @ApiProperty({
    example: '2a7f9c4e-8b3d-4e1a-9f6c-1d5b8e3a7c26',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  clearanceId: string | null;
  @ApiProperty({ example: 'MV', enum: VettingLevel, enumName: 'VettingLevel', nullable: true })
  level: VettingLevel | null;
  @ApiProperty({
    example: '2026-07-01',
    format: 'date',
    description: 'Expiry (renewal_due, overdue) or the day it was raised',
  })
  dueOn: string;
  @ApiProperty({ example: null, enum: AlertSource, enumName: 'AlertSource', nullable: true })
  sourceType: AlertSource | null;
  @ApiProperty({ example: null, format: 'uuid', nullable: true, type: String }) sourceId: string | null;
  @ApiProperty({ example: '2026-06-01T06:00:00.000Z', format: 'date-time' }) raisedAt: string;
  @ApiProperty({ example: '2026-06-01T08:30:00.000Z', format: 'date-time', nullable: true, type: String })
  acknowledgedAt: string | null;
  @ApiProperty({
    example: '4e7b1d9a-6c3f-4a8e-9b2d-1f6a8c3e5d72',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  acknowledgedBy: string | null;
  @ApiProperty({
    example: 'Helen Okafor',
    nullable: true,
    type: String,
    description: 'Display name of acknowledgedBy',
  })
  acknowledgedByName: string | null;
  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String }) resolvedAt:
    string | null;
  @ApiProperty({
    example: null,
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null: resolved by the sweep',
  })
  resolvedBy: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Display name of resolvedBy' })
  resolvedByName: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) resolutionReason: string | null;
  @ApiProperty({
    example: null,
    format: 'date',
    nullable: true,
    type: String,
    description: 'Resolved by hand while its cause remained: raised again from this date if it still does',
  })
  reviewBy: string | null;
  @ApiProperty({ example: 3 }) version: number;
}

export class AlertPage extends PageMeta {
  @ApiProperty({ type: [AlertView] }) items: AlertView[];
}

export class AlertQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AlertKind, enumName: 'AlertKind' })
  @IsOptional()
  @IsEnum(AlertKind)
  kind?: AlertKind;

  @ApiPropertyOptional({
    enum: AlertStatus,
    enumName: 'AlertStatus',
    description: 'Default: open and acknowledged (everything not resolved)',
  })
  @IsOptional()
  @IsEnum(AlertStatus)
  status?: AlertStatus;

  @OptionalUuid('People in this department')
  departmentId?: string;

  @OptionalUuid('About this workforce member')
  workforceMemberId?: string;

  @ApiPropertyOptional({ enum: VettingLevel, enumName: 'VettingLevel' })
  @IsOptional()
  @IsEnum(VettingLevel)
  level?: VettingLevel;

  @ApiPropertyOptional({ format: 'date', description: 'Due before this date' })
  @IsOptional()
  @Matches(DATE, { message: 'dueBefore must be a date (YYYY-MM-DD)' })
  dueBefore?: string;
}

export class AcknowledgeAlertRequest {
  @ApiProperty({ example: 3, description: 'The version you read; a stale one is a 409' })
  @Int4(1)
  version: number;
}

export class ResolveAlertRequest {
  @ApiProperty({ example: 'Renewal vetting started; case ref V/2026/114' })
  @Transform(trim)
  @IsString()
  @Length(3, 500)
  reason: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-09-30',
    description:
      'Required when the alert’s cause (renewal due, overdue, below the post’s level) still holds: after today ' +
      'and at most a year ahead. The sweep raises the alert again from this date if the cause is still there.',
  })
  @IsOptional()
  @Matches(DATE, { message: 'reviewBy must be a date (YYYY-MM-DD)' })
  reviewBy?: string;

  @ApiProperty({ example: 3 })
  @Int4(1)
  version: number;
}

// ---------- Compliance and rules ----------

export class ComplianceGroup {
  @ApiProperty({
    example: '1e8c4a7b-3d9f-4c2e-b5a1-6f7d2e9c8b13',
    description: 'The group key (department id, member type or level); null: none',
    nullable: true,
    type: String,
  })
  key: string | null;
  @ApiPropertyOptional({
    example: 'Response Policing North',
    description: 'Department name, for department groups',
    nullable: true,
    type: String,
  })
  label?: string | null;
  @ApiProperty({ example: 412 }) total: number;
  @ApiProperty({ example: 371, description: 'up_to_date + renewal_due' }) upToDate: number;
  @ApiProperty({ example: 0.9, description: 'upToDate / total (0 when total is 0)' }) share: number;
}

export class DueWithin {
  @ApiProperty({ example: 42 }) days30: number;
  @ApiProperty({ example: 97 }) days60: number;
  @ApiProperty({ example: 151 }) days90: number;
}

/** People by vetting state (the states' codes, `up_to_date` … `no_clearance`, as camelCase keys). */
export class StateCounts {
  @ApiProperty({ example: 2540, description: 'up_to_date' }) upToDate: number;
  @ApiProperty({ example: 131, description: 'renewal_due' }) renewalDue: number;
  @ApiProperty({ example: 184, description: 'overdue' }) overdue: number;
  @ApiProperty({ example: 58, description: 'below_required' }) belowRequired: number;
  @ApiProperty({
    example: 71,
    description: 'no_clearance: no clearance in force, and the post requires no level',
  })
  noClearance: number;
}

/** `GET /vetting/compliance`: the figure as at a date (default: today). */
export class ComplianceQuery {
  @ApiPropertyOptional({
    format: 'date',
    type: String,
    description: 'The date the figure is taken on (YYYY-MM-DD; default today, UK)',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(DATE, { message: 'asOf must be a date (YYYY-MM-DD)' })
  asOf?: string;
}

export class ComplianceView {
  @ApiProperty({ example: '2026-06-05', format: 'date' }) asOf: string;
  @ApiProperty({
    example: false,
    description:
      'true when the caller is linked to a workforce member: their own vetting state is left out (conflict of interest), so the figure may differ from the published one',
  })
  callerRecordsExcluded: boolean;
  @ApiProperty({ example: 2984, description: 'Current workforce: started and not left' }) total: number;
  @ApiProperty({ example: 2671 }) upToDate: number;
  @ApiProperty({ example: 0.895, description: 'Share up to date (0-1)' }) share: number;
  @ApiProperty({ example: 0.105, description: 'Share not up to date (HMICFRS: "more than 10%")' })
  notUpToDateShare: number;
  @ApiProperty({ type: StateCounts }) byState: StateCounts;
  @ApiProperty({ example: 184, description: 'Relevant clearance expired' }) expired: number;
  @ApiProperty({ example: 58 }) belowRequired: number;
  @ApiProperty({ type: DueWithin, description: 'Valid clearances expiring within 30/60/90 days' })
  dueWithin: DueWithin;
  @ApiProperty({ type: [ComplianceGroup] }) byDepartment: ComplianceGroup[];
  @ApiProperty({ type: [ComplianceGroup], description: `Keys: ${Object.values(MemberType).join(', ')}` })
  byMemberType: ComplianceGroup[];
  @ApiProperty({ type: [ComplianceGroup], description: 'By the level the post requires (null: none)' })
  byRequiredLevel: ComplianceGroup[];
}

export class RulesView {
  @ApiProperty({ example: { RV: 120, MV: 84 } }) renewalMonths: Record<string, number>;
  @ApiProperty({ example: { RV: 90 } }) warningDays: Record<string, number>;
  @ApiProperty({ example: { MV: ['MV', 'RV'] } }) satisfies: Record<string, string[]>;
}

export const VETTING_STATES = Object.values(VettingState);
