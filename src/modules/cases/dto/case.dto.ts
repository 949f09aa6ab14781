import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEnum,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { Int4, OptionalDateTime, OptionalUuid, QueryBoolean } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';
import { MemberType } from '../../workforce/workforce.enums.js';
import {
  AllegationResult,
  BreachType,
  CaseEventKind,
  CaseStatus,
  CaseType,
  ConductRegime,
  CriminalOutcome,
  IopcDecision,
  LeftService,
  MatterType,
  MisconductFinding,
  MisconductOutcome,
  Proceedings,
  ProceedingsResult,
  ReferralBasis,
  ReferralCriterion,
  Severity,
  UpdateRecipient,
} from '../cases.enums.js';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';

/** A calendar date, `YYYY-MM-DD`. */
const DateOnly = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ type: String, format: 'date', example: '2026-03-31', description }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' }),
    IsISO8601({ strict: true }),
  );
const OptionalDateOnly = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date', nullable: true, description }),
    ValidateIf((_o, v) => v !== undefined && v !== null),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' }),
    IsISO8601({ strict: true }),
  );
/** An optional code that may also be sent as null to clear it. */
const NullableEnum = (e: object, enumName: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ enum: e, enumName, nullable: true }),
    ValidateIf((_o, v) => v !== undefined && v !== null),
    IsEnum(e),
  );
const Text = (max: number, description?: string): PropertyDecorator =>
  applyDecorators(ApiProperty({ minLength: 1, maxLength: max, description }), IsString(), Length(1, max));
const OptionalVersion = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: 'The version you read; a stale one is a 409' }),
    IsOptional(),
    Int4(1),
  );
const Categories = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      enum: CorruptionCategory,
      enumName: 'CorruptionCategory',
      isArray: true,
      description: 'Secondary categories',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(13),
    ArrayUnique(),
    IsEnum(CorruptionCategory, { each: true }),
  );
const Facts = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      enum: ReferralCriterion,
      enumName: 'ReferralCriterion',
      isArray: true,
      description:
        'Facts of the conduct that meet a mandatory referral criterion (beyond those its categories meet)',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(9),
    ArrayUnique(),
    IsEnum(ReferralCriterion, { each: true }),
  );
const SubjectIds = (required: boolean): PropertyDecorator =>
  applyDecorators(
    required
      ? ApiProperty({ type: [String], format: 'uuid', description: 'Workforce members the case is about' })
      : ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Replaces the subjects' }),
    ...(required ? [] : [IsOptional()]),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(50),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );
const IntelligenceIds = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Linked intelligence reports' }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(200),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );
const NullableUser = (description: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description }),
    ValidateIf((_o, v) => v !== undefined && v !== null),
    IsUUID('all'),
  );

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

  @OptionalVersion()
  version?: number;
}

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

export class NoReferralRequest {
  @Text(4000, 'Why no referral was made although the mandatory criteria are met')
  reason: string;
}

export class RecordOutcomeRequest {
  @NullableEnum(CriminalOutcome, 'CriminalOutcome')
  criminalOutcome?: CriminalOutcome | null;

  @NullableEnum(MisconductFinding, 'MisconductFinding')
  misconductFinding?: MisconductFinding | null;

  @NullableEnum(Proceedings, 'Proceedings')
  proceedings?: Proceedings | null;

  @NullableEnum(ProceedingsResult, 'ProceedingsResult')
  proceedingsResult?: ProceedingsResult | null;

  @NullableEnum(MisconductOutcome, 'MisconductOutcome')
  misconductOutcome?: MisconductOutcome | null;

  @NullableEnum(ConductRegime, 'ConductRegime')
  regime?: ConductRegime | null;

  @NullableEnum(AllegationResult, 'AllegationResult')
  allegationResult?: AllegationResult | null;

  @NullableEnum(LeftService, 'LeftService')
  leftService?: LeftService | null;

  @OptionalDateOnly('When they left the service')
  leftServiceOn?: string | null;

  @ApiPropertyOptional({ description: 'A leaver: the finding that they would have been dismissed' })
  @IsOptional()
  @IsBoolean()
  wouldHaveBeenDismissed?: boolean;

  @OptionalDateOnly('Barred List entry date')
  barredListOn?: string | null;

  @OptionalDateOnly('Advisory List entry date')
  advisoryListOn?: string | null;

  @ApiPropertyOptional({ description: 'Required when replacing an existing outcome: the version you read' })
  @IsOptional()
  @Int4(1)
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

export class CaseQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CaseStatus, enumName: 'CaseStatus' })
  @IsOptional()
  @IsEnum(CaseStatus)
  status?: CaseStatus;

  @ApiPropertyOptional({ enum: CaseType, enumName: 'CaseType' })
  @IsOptional()
  @IsEnum(CaseType)
  caseType?: CaseType;

  @ApiPropertyOptional({
    enum: CorruptionCategory,
    enumName: 'CorruptionCategory',
    description: 'Has this category',
  })
  @IsOptional()
  @IsEnum(CorruptionCategory)
  category?: CorruptionCategory;

  @OptionalUuid('Assigned investigator')
  investigatorId?: string;

  @OptionalUuid('Supervisor')
  supervisorId?: string;

  @OptionalUuid('A subject of the case')
  subjectId?: string;

  @ApiPropertyOptional({ enum: IopcDecision, enumName: 'IopcDecision', description: 'The IOPC’s mode' })
  @IsOptional()
  @IsEnum(IopcDecision)
  iopcDecision?: IopcDecision;

  @QueryBoolean('Open cases whose progress update is overdue (true) or not (false)')
  overdueUpdate?: boolean;

  @QueryBoolean('Cases past the 12-month mark still open (true)')
  pastPccMark?: boolean;

  @QueryBoolean('Cases that meet the mandatory referral criteria')
  referralRequired?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 36500, description: 'Recorded at least this many days ago' })
  @IsOptional()
  @Type(() => Number)
  @Int4(0, 36500)
  minAgeDays?: number;

  @ApiPropertyOptional({
    minimum: 2000,
    maximum: 2100,
    description: 'Recorded in financial year (2017 = 2017/18)',
  })
  @IsOptional()
  @Type(() => Number)
  @Int4(2000, 2100)
  financialYear?: number;
}

export class TimelineQuery extends PageQuery {}

// ---- views ----

export class CaseSubjectView {
  @ApiProperty({ format: 'uuid' })
  workforceMemberId: string;

  @ApiProperty()
  staffNumber: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: MemberType, enumName: 'MemberType' })
  memberType: MemberType;
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

export class SeverityAssessmentView {
  @ApiProperty({ enum: Severity, enumName: 'Severity' })
  severity: Severity;

  @ApiProperty()
  reason: string;

  @ApiProperty({ format: 'uuid' })
  assessedBy: string;

  @ApiProperty({ format: 'date-time' })
  assessedAt: string;
}

export class OutcomeView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  workforceMemberId: string;

  @ApiProperty({ enum: MemberType, enumName: 'MemberType' })
  memberType: MemberType;

  @ApiProperty({ enum: CriminalOutcome, enumName: 'CriminalOutcome', nullable: true })
  criminalOutcome: CriminalOutcome | null;

  @ApiProperty({ enum: MisconductFinding, enumName: 'MisconductFinding', nullable: true })
  misconductFinding: MisconductFinding | null;

  @ApiProperty({ enum: Proceedings, enumName: 'Proceedings', nullable: true })
  proceedings: Proceedings | null;

  @ApiProperty({ enum: ProceedingsResult, enumName: 'ProceedingsResult', nullable: true })
  proceedingsResult: ProceedingsResult | null;

  @ApiProperty({ enum: MisconductOutcome, enumName: 'MisconductOutcome', nullable: true })
  misconductOutcome: MisconductOutcome | null;

  @ApiProperty({ enum: ConductRegime, enumName: 'ConductRegime', nullable: true })
  regime: ConductRegime | null;

  @ApiProperty({ enum: AllegationResult, enumName: 'AllegationResult', nullable: true })
  allegationResult: AllegationResult | null;

  @ApiProperty({ enum: LeftService, enumName: 'LeftService', nullable: true })
  leftService: LeftService | null;

  @ApiProperty({ format: 'date', nullable: true, type: String })
  leftServiceOn: string | null;

  @ApiProperty()
  wouldHaveBeenDismissed: boolean;

  @ApiProperty({ format: 'date', nullable: true, type: String })
  barredListOn: string | null;

  @ApiProperty({ format: 'date', nullable: true, type: String })
  advisoryListOn: string | null;

  @ApiProperty({ type: [String], description: 'What is still needed before the case can close' })
  missing: string[];

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finalisedAt: string | null;

  @ApiProperty({ format: 'uuid' })
  recordedBy: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty()
  version: number;
}

export class TimelinessView {
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUpdateAt: string | null;

  @ApiProperty({ format: 'date', description: 'Next update to complainant and subject (every 28 days)' })
  nextUpdateDue: string;

  @ApiProperty()
  updateOverdue: boolean;

  @ApiProperty({ format: 'date', description: '12 months from recording: reported to the PCC if still open' })
  pccReportDue: string;

  @ApiProperty()
  pastPccMark: boolean;
}

export class BarredListReminderView {
  @ApiProperty({ format: 'date-time' })
  raisedAt: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Dismissed subjects without a Barred List entry',
  })
  subjectIds: string[];
}

export class CaseSummaryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'CASE-2026-M4X9TB' })
  reference: string;

  @ApiProperty({ enum: CaseType, enumName: 'CaseType' })
  caseType: CaseType;

  @ApiProperty({ enum: MatterType, enumName: 'MatterType' })
  matterType: MatterType;

  @ApiProperty({ enum: CaseStatus, enumName: 'CaseStatus' })
  status: CaseStatus;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  primaryCategory: CorruptionCategory;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory', isArray: true })
  categories: CorruptionCategory[];

  @ApiProperty({ type: [String], format: 'uuid' })
  subjectIds: string[];

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  investigatorId: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  supervisorId: string | null;

  @ApiProperty({ enum: Severity, enumName: 'Severity', nullable: true })
  severity: Severity | null;

  @ApiProperty()
  referralRequired: boolean;

  @ApiProperty({ enum: IopcDecision, enumName: 'IopcDecision', nullable: true })
  iopcDecision: IopcDecision | null;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ example: '2017/18' })
  recordedFinancialYear: string;

  @ApiProperty({ type: TimelinessView })
  timeliness: TimelinessView;

  @ApiProperty()
  version: number;
}

export class CaseView extends CaseSummaryView {
  @ApiProperty({ description: 'Sensitive narrative' })
  allegationSummary: string;

  @ApiProperty({ enum: BreachType, enumName: 'BreachType', nullable: true })
  breachType: BreachType | null;

  @ApiProperty({ enum: CaseStatus, enumName: 'CaseStatus', nullable: true })
  suspendedFrom: CaseStatus | null;

  @ApiProperty({ nullable: true, type: String })
  suspensionReason: string | null;

  @ApiProperty({ type: [CaseSubjectView] })
  subjects: CaseSubjectView[];

  @ApiProperty({ type: [String], format: 'uuid' })
  intelligenceReportIds: string[];

  @ApiProperty({ type: ReferralStatusView })
  referral: ReferralStatusView;

  @ApiProperty({ type: [SeverityAssessmentView], description: 'Every assessment, oldest first' })
  severityHistory: SeverityAssessmentView[];

  @ApiProperty({ type: [OutcomeView] })
  outcomes: OutcomeView[];

  @ApiProperty({ type: BarredListReminderView, nullable: true })
  barredListReminder: BarredListReminderView | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  investigationStartedAt: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finalisedAt: string | null;

  @ApiProperty({ format: 'uuid' })
  createdBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class CasePage extends PageMeta {
  @ApiProperty({ type: [CaseSummaryView] })
  items: CaseSummaryView[];
}

export class TimelineEventView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: CaseEventKind, enumName: 'CaseEventKind' })
  kind: CaseEventKind;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  actorId: string | null;

  @ApiProperty({ nullable: true, type: String })
  actorName: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Codes and ids of the event' })
  details: Record<string, unknown>;

  @ApiProperty({ nullable: true, type: String, description: 'A note’s text or a reason given' })
  note: string | null;
}

export class TimelinePage extends PageMeta {
  @ApiProperty({ type: [TimelineEventView] })
  items: TimelineEventView[];
}
