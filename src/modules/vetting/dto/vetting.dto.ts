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
  @ApiProperty({ enum: VettingLevel, enumName: 'VettingLevel' })
  @IsEnum(VettingLevel)
  level: VettingLevel;

  @ApiProperty({ format: 'date', example: '2026-03-31', description: 'Not in the future' })
  @Matches(DATE, { message: 'grantedOn must be a date (YYYY-MM-DD)' })
  grantedOn: string;

  @ApiPropertyOptional({
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

  @ApiPropertyOptional({ format: 'date', description: 'Default today; not in the future' })
  @IsOptional()
  @Matches(DATE, { message: 'withdrawnOn must be a date (YYYY-MM-DD)' })
  withdrawnOn?: string;

  @ApiProperty({ description: 'The version you read; a stale one is a 409' })
  @Int4(1)
  version: number;
}

export class ClearanceView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) workforceMemberId: string;
  @ApiProperty({ enum: VettingLevel, enumName: 'VettingLevel' }) level: VettingLevel;
  @ApiProperty({ format: 'date' }) grantedOn: string;
  @ApiProperty({ format: 'date', description: 'Valid until the day before; expired from this day' })
  expiresOn: string;
  @ApiProperty({ format: 'date', description: 'First day of the renewal warning window' })
  renewalDueFrom: string;
  @ApiProperty({ enum: ClearanceStatus, enumName: 'ClearanceStatus', description: 'As of today' })
  status: ClearanceStatus;
  @ApiProperty({ format: 'date', nullable: true, type: String }) supersededOn: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) supersededById: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) withdrawnOn: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawalReason: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recordedBy: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty() version: number;
}

export class ClearancePage extends PageMeta {
  @ApiProperty({ type: [ClearanceView] }) items: ClearanceView[];
}

// ---------- Declarations ----------

const trimEach = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;

/** A person the member declares an association with, as the force's systems know them. */
export class DeclaredAssociateInput {
  @ApiProperty({ description: 'The person’s name', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ format: 'date', description: 'Their date of birth, when known; in the past' })
  @IsOptional()
  @Matches(DATE, { message: 'dateOfBirth must be a date (YYYY-MM-DD)' })
  dateOfBirth?: string;

  @ApiPropertyOptional({
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
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dateOfBirth: string | null;
  @ApiProperty({ type: [String] }) personRefs: string[];
}

export class DeclarationRequest {
  @ApiProperty({ enum: DeclarationCategory, enumName: 'DeclarationCategory' })
  @IsEnum(DeclarationCategory)
  category: DeclarationCategory;

  @ApiProperty({ format: 'date', description: 'When the person declared it; not in the future' })
  @Matches(DATE, { message: 'declaredOn must be a date (YYYY-MM-DD)' })
  declaredOn: string;

  @ApiProperty({ description: 'What was declared (kept for vetting staff; never logged or sent on)' })
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
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) workforceMemberId: string;
  @ApiProperty({ enum: DeclarationCategory, enumName: 'DeclarationCategory' }) category: DeclarationCategory;
  @ApiProperty({ format: 'date' }) declaredOn: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [DeclaredAssociateView], description: 'The people declared (associations)' })
  associates: DeclaredAssociateView[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recordedBy: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ format: 'uuid', description: 'The review_required alert it raised' }) alertId: string;
}

export class DeclarationPage extends PageMeta {
  @ApiProperty({ type: [DeclarationView] }) items: DeclarationView[];
}

// ---------- Alerts ----------

export class AlertMember {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() staffNumber: string;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) departmentId: string | null;
  @ApiProperty({ nullable: true, type: String }) departmentName: string | null;
}

export class AlertView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AlertKind, enumName: 'AlertKind' }) kind: AlertKind;
  @ApiProperty({ enum: AlertStatus, enumName: 'AlertStatus' }) status: AlertStatus;
  @ApiProperty({ type: AlertMember }) workforceMember: AlertMember;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) clearanceId: string | null;
  @ApiProperty({ enum: VettingLevel, enumName: 'VettingLevel', nullable: true }) level: VettingLevel | null;
  @ApiProperty({ format: 'date', description: 'Expiry (renewal_due, overdue) or the day it was raised' })
  dueOn: string;
  @ApiProperty({ enum: AlertSource, enumName: 'AlertSource', nullable: true }) sourceType: AlertSource | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) sourceId: string | null;
  @ApiProperty({ format: 'date-time' }) raisedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) acknowledgedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) acknowledgedBy: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Display name of acknowledgedBy' })
  acknowledgedByName: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resolvedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null: resolved by the sweep' })
  resolvedBy: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Display name of resolvedBy' })
  resolvedByName: string | null;
  @ApiProperty({ nullable: true, type: String }) resolutionReason: string | null;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    description: 'Resolved by hand while its cause remained: raised again from this date if it still does',
  })
  reviewBy: string | null;
  @ApiProperty() version: number;
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
  @ApiProperty({ description: 'The version you read; a stale one is a 409' })
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

  @ApiProperty()
  @Int4(1)
  version: number;
}

// ---------- Compliance and rules ----------

export class ComplianceGroup {
  @ApiProperty({
    description: 'The group key (department id, member type or level); null: none',
    nullable: true,
    type: String,
  })
  key: string | null;
  @ApiPropertyOptional({
    description: 'Department name, for department groups',
    nullable: true,
    type: String,
  })
  label?: string | null;
  @ApiProperty() total: number;
  @ApiProperty({ description: 'up_to_date + renewal_due' }) upToDate: number;
  @ApiProperty({ description: 'upToDate / total (0 when total is 0)' }) share: number;
}

export class DueWithin {
  @ApiProperty() days30: number;
  @ApiProperty() days60: number;
  @ApiProperty() days90: number;
}

export class StateCounts {
  @ApiProperty() up_to_date: number;
  @ApiProperty() renewal_due: number;
  @ApiProperty() overdue: number;
  @ApiProperty() below_required: number;
  @ApiProperty() none: number;
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
  @ApiProperty({ format: 'date' }) asOf: string;
  @ApiProperty({
    example: false,
    description:
      'true when the caller is linked to a workforce member: their own vetting state is left out (conflict of interest), so the figure may differ from the published one',
  })
  callerRecordsExcluded: boolean;
  @ApiProperty({ description: 'Current workforce: started and not left' }) total: number;
  @ApiProperty() upToDate: number;
  @ApiProperty({ description: 'Share up to date (0-1)' }) share: number;
  @ApiProperty({ description: 'Share not up to date (HMICFRS: "more than 10%")' }) notUpToDateShare: number;
  @ApiProperty({ type: StateCounts }) byState: StateCounts;
  @ApiProperty({ description: 'Relevant clearance expired' }) expired: number;
  @ApiProperty() belowRequired: number;
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
