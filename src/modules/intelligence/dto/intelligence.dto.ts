import { applyDecorators } from '@nestjs/common';
import { CaseSummaryView } from '../../cases/dto/case.dto.js';
import { AlertView } from '../../vetting/dto/vetting.dto.js';
import { MemberVetting } from '../../workforce/dto/workforce.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsDefined,
  IsEnum,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CaseType, MatterType } from '../../cases/cases.enums.js';
import { Int4, OptionalUuid, QueryBoolean } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';
import {
  GradingScheme,
  IntelligenceState,
  NARRATIVE_MAX,
  OPEN_STATES,
  ReceiptMethod,
  ReviewDecision,
  SourceType,
  SubjectRole,
} from '../intelligence.enums.js';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';

const TEXT_MAX = 10_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Optional, but when sent not null (for columns that cannot be emptied). */
const PresentNotNull = (): PropertyDecorator =>
  ValidateIf((_: unknown, value: unknown) => value !== undefined);

const EnumProperty = (e: object, name: string, description?: string): PropertyDecorator =>
  applyDecorators(ApiProperty({ enum: e, enumName: name, description }), IsEnum(e));

/** One grade, in the scheme it was given in (3x5x2, or legacy 5x5x5). Codes are checked against the scheme. */
export class GradingInput {
  @ApiProperty({ enum: GradingScheme, enumName: 'GradingScheme' })
  @IsEnum(GradingScheme)
  scheme: GradingScheme;

  @ApiProperty({ example: '2', description: '3x5x2: 1, 2 or 3. 5x5x5: A-E' })
  @IsString()
  @Length(1, 1)
  sourceEvaluation: string;

  @ApiProperty({ example: 'B', description: '3x5x2: A-E. 5x5x5: 1-5' })
  @IsString()
  @Length(1, 1)
  intelligenceAssessment: string;

  @ApiProperty({ example: 'P', description: '3x5x2: P or C (C needs conditions). 5x5x5: 1-5' })
  @IsString()
  @Length(1, 1)
  handlingCode: string;

  @ApiPropertyOptional({ description: 'The conditions of lawful sharing; required with handling code C' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  handlingConditions?: string;
}

export class SubjectInput {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  workforceMemberId: string;

  @ApiProperty({ enum: SubjectRole, enumName: 'SubjectRole' })
  @IsEnum(SubjectRole)
  role: SubjectRole;
}

const SubjectsProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: [SubjectInput],
      description: 'Workforce members the report concerns (none while unidentified)',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    ValidateNested({ each: true }),
    Type(() => SubjectInput),
  );

const CategoriesProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ enum: CorruptionCategory, enumName: 'CorruptionCategory', isArray: true }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(12),
    ArrayUnique(),
    IsEnum(CorruptionCategory, { each: true }),
  );

const LinksProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: [String],
      format: 'uuid',
      description: 'Other intelligence reports this one relates to',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    ArrayUnique(),
    IsUUID('all', { each: true }),
  );

export class CreateIntelligenceRequest {
  @ApiProperty({ format: 'date-time', description: 'When the unit received it (not in the future)' })
  @IsDateString({ strict: true })
  receivedAt: string;

  @EnumProperty(ReceiptMethod, 'ReceiptMethod', 'How it was received')
  receiptMethod: ReceiptMethod;

  @EnumProperty(SourceType, 'SourceType')
  sourceType: SourceType;

  @ApiPropertyOptional({ description: 'Protected: seen only by the recording analyst and supervisors' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  sourceDetails?: string;

  @ApiProperty({ type: GradingInput })
  @IsDefined()
  @ValidateNested()
  @Type(() => GradingInput)
  grading: GradingInput;

  @EnumProperty(CorruptionCategory, 'CorruptionCategory')
  primaryCategory: CorruptionCategory;

  @CategoriesProperty()
  secondaryCategories?: CorruptionCategory[];

  @SubjectsProperty()
  subjects?: SubjectInput[];

  @ApiPropertyOptional({ default: false, description: 'A vulnerable person is involved (the APSP signal)' })
  @IsOptional()
  @IsBoolean()
  vulnerablePerson?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  vulnerablePersonNote?: string;

  @ApiProperty({ maxLength: NARRATIVE_MAX, description: 'The account. Sensitive: never logged' })
  @IsString()
  @Length(1, NARRATIVE_MAX)
  narrative: string;

  @LinksProperty()
  linkedReportIds?: string[];
}

/** Changes to a report; send only what changes, with the version you read. Lists replace the stored ones. */
export class UpdateIntelligenceRequest {
  @ApiProperty({ description: 'The version you read; a stale one is a 409 stale_version' })
  @Int4(1)
  version: number;

  @ApiPropertyOptional({ format: 'date-time' })
  @PresentNotNull()
  @IsDateString({ strict: true })
  receivedAt?: string;

  @ApiPropertyOptional({ enum: ReceiptMethod, enumName: 'ReceiptMethod' })
  @PresentNotNull()
  @IsEnum(ReceiptMethod)
  receiptMethod?: ReceiptMethod;

  @ApiPropertyOptional({ enum: SourceType, enumName: 'SourceType' })
  @PresentNotNull()
  @IsEnum(SourceType)
  sourceType?: SourceType;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Only the recording analyst or a supervisor',
  })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  sourceDetails?: string | null;

  @ApiPropertyOptional({ type: GradingInput, description: 'The whole grade (a regrade)' })
  @PresentNotNull()
  @ValidateNested()
  @Type(() => GradingInput)
  grading?: GradingInput;

  @ApiPropertyOptional({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  @PresentNotNull()
  @IsEnum(CorruptionCategory)
  primaryCategory?: CorruptionCategory;

  @CategoriesProperty()
  secondaryCategories?: CorruptionCategory[];

  @SubjectsProperty()
  subjects?: SubjectInput[];

  @ApiPropertyOptional()
  @PresentNotNull()
  @IsBoolean()
  vulnerablePerson?: boolean;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  vulnerablePersonNote?: string | null;

  @ApiPropertyOptional({ maxLength: NARRATIVE_MAX })
  @PresentNotNull()
  @IsString()
  @Length(1, NARRATIVE_MAX)
  narrative?: string;

  @LinksProperty()
  linkedReportIds?: string[];
}

export class AssignRequest {
  @ApiProperty({ format: 'uuid', description: 'A user with the analyst or supervisor role' })
  @IsUUID('all')
  assigneeId: string;
}

export class SubmitForReviewRequest {
  @ApiProperty({ maxLength: NARRATIVE_MAX, description: 'The assessment. Sensitive; every version is kept' })
  @IsString()
  @Length(1, NARRATIVE_MAX)
  assessmentText: string;

  @ApiProperty({ enum: ReviewDecision, enumName: 'ReviewDecision' })
  @IsEnum(ReviewDecision)
  recommendedDecision: ReviewDecision;
}

const requiredFor = (decision: ReviewDecision, field: string): PropertyDecorator =>
  applyDecorators(
    ValidateIf((o: ReviewRequest) => o.decision === decision),
    IsDefined({ message: `${field} is required when the decision is ${decision}` }),
  );

export class ReviewRequest {
  @ApiProperty({ enum: ReviewDecision, enumName: 'ReviewDecision' })
  @IsEnum(ReviewDecision)
  decision: ReviewDecision;

  @ApiPropertyOptional({ description: 'Required for no_further_action' })
  @requiredFor(ReviewDecision.NoFurtherAction, 'reason')
  @IsString()
  @Length(1, TEXT_MAX)
  reason?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Required for development: when it comes back (after today)',
  })
  @requiredFor(ReviewDecision.Development, 'reviewDate')
  @Matches(DATE_ONLY, { message: 'reviewDate must be a date (YYYY-MM-DD)' })
  @IsDateString({ strict: true })
  reviewDate?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'For referred_to_case: the existing case to link it to; omit to open a new case from the report (its subjects and categories)',
  })
  @IsOptional()
  @IsUUID('all')
  caseId?: string;

  @ApiPropertyOptional({
    enum: CaseType,
    enumName: 'CaseType',
    description: 'For referred_to_case without caseId: the new case’s type (default misconduct)',
  })
  @IsOptional()
  @IsEnum(CaseType)
  caseType?: CaseType;

  @ApiPropertyOptional({
    enum: MatterType,
    enumName: 'MatterType',
    description: 'For referred_to_case without caseId: the new case’s matter type (default conduct_matter)',
  })
  @IsOptional()
  @IsEnum(MatterType)
  matterType?: MatterType;

  @ApiPropertyOptional({ description: 'Required for disseminated: who receives it' })
  @requiredFor(ReviewDecision.Disseminated, 'recipient')
  @IsString()
  @Length(1, 200)
  recipient?: string;

  @ApiPropertyOptional({
    description: 'Dissemination: the recipient is inside the force (5x5x5 handling code 4)',
  })
  @IsOptional()
  @IsBoolean()
  recipientInternal?: boolean;

  @ApiPropertyOptional({ description: 'Dissemination under 3x5x2 handling C: the recorded conditions apply' })
  @IsOptional()
  @IsBoolean()
  conditionsConfirmed?: boolean;
}

const toArray = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').filter(Boolean) : value;

export class QueueQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: OPEN_STATES,
    enumName: 'OpenIntelligenceState',
    isArray: true,
    description: 'Open states (comma-separated or repeated); default all open states',
  })
  @IsOptional()
  @Transform(toArray)
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(OPEN_STATES, {
    each: true,
    message: 'state must be one of the open states: ' + OPEN_STATES.join(', '),
  })
  state?: IntelligenceState[];

  @ApiPropertyOptional({
    enum: CorruptionCategory,
    enumName: 'CorruptionCategory',
    description: 'Primary or secondary',
  })
  @IsOptional()
  @IsEnum(CorruptionCategory)
  category?: CorruptionCategory;

  @ApiPropertyOptional({ enum: GradingScheme, enumName: 'GradingScheme' })
  @IsOptional()
  @IsEnum(GradingScheme)
  gradingScheme?: GradingScheme;

  @ApiPropertyOptional({ description: 'Source evaluation code (1-3 in 3x5x2, A-E in 5x5x5)' })
  @IsOptional()
  @Matches(/^[1-5A-E]$/, { message: 'sourceEvaluation must be one grading code' })
  sourceEvaluation?: string;

  @ApiPropertyOptional({ description: 'Intelligence assessment code (A-E in 3x5x2, 1-5 in 5x5x5)' })
  @IsOptional()
  @Matches(/^[1-5A-E]$/, { message: 'intelligenceAssessment must be one grading code' })
  intelligenceAssessment?: string;

  @ApiPropertyOptional({ description: 'Handling code (P/C in 3x5x2, 1-5 in 5x5x5)' })
  @IsOptional()
  @Matches(/^[1-5PC]$/, { message: 'handlingCode must be one grading code' })
  handlingCode?: string;

  @OptionalUuid('Assigned to this user (an analyst’s own work)')
  assigneeId?: string;

  @QueryBoolean('Only unassigned (true) or only assigned (false) items')
  unassigned?: boolean;

  @QueryBoolean('Vulnerable person involved')
  vulnerablePerson?: boolean;

  @QueryBoolean('Past the assessment target (or, in development, past the review date)')
  overdue?: boolean;
}

export class SearchQuery extends PageQuery {
  @ApiProperty({ description: 'Words or a reference (web-search syntax: "phrase", -word, or)' })
  @IsString()
  @Length(1, 200)
  q: string;

  @ApiPropertyOptional({ enum: IntelligenceState, enumName: 'IntelligenceState' })
  @IsOptional()
  @IsEnum(IntelligenceState)
  state?: IntelligenceState;

  @ApiPropertyOptional({
    enum: CorruptionCategory,
    enumName: 'CorruptionCategory',
    description: 'Primary or secondary',
  })
  @IsOptional()
  @IsEnum(CorruptionCategory)
  category?: CorruptionCategory;
}

// ---- views ----

export class GradingView {
  @ApiProperty({ enum: GradingScheme, enumName: 'GradingScheme' })
  scheme: GradingScheme;

  @ApiProperty()
  sourceEvaluation: string;

  @ApiProperty()
  intelligenceAssessment: string;

  @ApiProperty()
  handlingCode: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Only on the full report' })
  handlingConditions?: string | null;
}

export class SubjectView {
  @ApiProperty({ format: 'uuid' })
  workforceMemberId: string;

  @ApiProperty({ enum: SubjectRole, enumName: 'SubjectRole' })
  role: SubjectRole;

  @ApiProperty()
  staffNumber: string;

  @ApiProperty()
  givenName: string;

  @ApiProperty()
  familyName: string;
}

export class ReportRef {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'INT-2026-7K3QZD' })
  reference: string;
}

export class AssessmentView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: '1 for the first assessment submitted, then 2, ...' })
  versionNo: number;

  @ApiProperty()
  assessmentText: string;

  @ApiProperty({ enum: ReviewDecision, enumName: 'ReviewDecision' })
  recommendedDecision: ReviewDecision;

  @ApiProperty({ format: 'uuid' })
  submittedBy: string;

  @ApiProperty({ format: 'date-time' })
  submittedAt: string;
}

export class ReviewView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  assessmentId: string;

  @ApiProperty({ enum: ReviewDecision, enumName: 'ReviewDecision' })
  decision: ReviewDecision;

  @ApiProperty({ nullable: true, type: String })
  reason: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date' })
  reviewDate: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  caseId: string | null;

  @ApiProperty({ nullable: true, type: String })
  recipient: string | null;

  @ApiProperty({ format: 'uuid' })
  reviewedBy: string;

  @ApiProperty({ format: 'date-time' })
  reviewedAt: string;
}

/** What the queue, the search and the profile show of a report (no narrative or source details). */
export class QueueItem {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'INT-2026-7K3QZD' })
  reference: string;

  @ApiProperty({ enum: IntelligenceState, enumName: 'IntelligenceState' })
  state: IntelligenceState;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  primaryCategory: CorruptionCategory;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory', isArray: true })
  secondaryCategories: CorruptionCategory[];

  @ApiProperty({ type: GradingView })
  grading: GradingView;

  @ApiProperty()
  vulnerablePerson: boolean;

  @ApiProperty({ description: '0 = vulnerable person and APSP, 1 = either, 2 = neither' })
  urgencyRank: number;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  assigneeId: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date' })
  reviewDate: string | null;

  @ApiProperty({ type: [SubjectView] })
  subjects: SubjectView[];

  @ApiProperty({
    type: [ReportRef],
    description: 'Reports naming a same subject and category within the window',
  })
  possibleDuplicates: ReportRef[];

  @ApiProperty({ description: 'Whole days since receipt' })
  ageDays: number;

  @ApiProperty({
    format: 'date',
    description: 'Receipt + assessment target; in development, the review date',
  })
  dueDate: string;

  @ApiProperty()
  overdue: boolean;
}

export class QueuePage extends PageMeta {
  @ApiProperty({ type: [QueueItem] })
  items: QueueItem[];
}

export class IntelligenceView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'INT-2026-7K3QZD' })
  reference: string;

  @ApiProperty({ enum: IntelligenceState, enumName: 'IntelligenceState' })
  state: IntelligenceState;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ enum: ReceiptMethod, enumName: 'ReceiptMethod' })
  receiptMethod: ReceiptMethod;

  @ApiProperty({ enum: SourceType, enumName: 'SourceType' })
  sourceType: SourceType;

  @ApiProperty({ description: 'False when the caller may not see the source details (they are then null)' })
  sourceDetailsVisible: boolean;

  @ApiProperty({ nullable: true, type: String })
  sourceDetails: string | null;

  @ApiProperty({ type: GradingView })
  grading: GradingView;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  primaryCategory: CorruptionCategory;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory', isArray: true })
  secondaryCategories: CorruptionCategory[];

  @ApiProperty()
  vulnerablePerson: boolean;

  @ApiProperty({ nullable: true, type: String })
  vulnerablePersonNote: string | null;

  @ApiProperty()
  narrative: string;

  @ApiProperty({ type: [SubjectView] })
  subjects: SubjectView[];

  @ApiProperty({ type: [ReportRef], description: 'Linked reports (either direction) the caller may see' })
  linkedReports: ReportRef[];

  @ApiProperty({ type: [ReportRef] })
  possibleDuplicates: ReportRef[];

  @ApiProperty({ format: 'uuid' })
  recordedBy: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  assigneeId: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  assignedAt: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  assignedBy: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  submittedAt: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  submittedBy: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  reviewedAt: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  reviewedBy: string | null;

  @ApiProperty({ enum: ReviewDecision, enumName: 'ReviewDecision', nullable: true })
  decision: ReviewDecision | null;

  @ApiProperty({ nullable: true, type: String, format: 'date' })
  reviewDate: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The case it was referred to' })
  referredCaseId: string | null;

  @ApiProperty({ type: [AssessmentView], description: 'Every version, oldest first' })
  assessments: AssessmentView[];

  @ApiProperty({ type: [ReviewView], description: 'Every review, oldest first' })
  reviews: ReviewView[];

  @ApiProperty()
  urgencyRank: number;

  @ApiProperty()
  ageDays: number;

  @ApiProperty({ format: 'date' })
  dueDate: string;

  @ApiProperty()
  overdue: boolean;

  @ApiProperty()
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class StateCount {
  @ApiProperty({ enum: IntelligenceState, enumName: 'IntelligenceState' })
  state: IntelligenceState;

  @ApiProperty()
  count: number;

  @ApiProperty()
  overdue: number;

  @ApiProperty({ nullable: true, type: Number, description: 'Age in days of the oldest item in this state' })
  oldestAgeDays: number | null;
}

export class AnalystLoad {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null: not yet assigned' })
  assigneeId: string | null;

  @ApiProperty({ nullable: true, type: String })
  displayName: string | null;

  @ApiProperty()
  open: number;

  @ApiProperty()
  overdue: number;

  @ApiProperty({ nullable: true, type: Number })
  oldestAgeDays: number | null;
}

export class QueueSummary {
  @ApiProperty({ type: [StateCount], description: 'Every open state, zero counts included' })
  byState: StateCount[];

  @ApiProperty()
  open: number;

  @ApiProperty()
  overdue: number;

  @ApiProperty()
  unassigned: number;

  @ApiProperty({ nullable: true, type: Number })
  oldestAgeDays: number | null;

  @ApiProperty({
    type: [AnalystLoad],
    description: 'Open items per assignee (the unit’s capacity), busiest first',
  })
  perAnalyst: AnalystLoad[];

  @ApiProperty()
  assessmentTargetDays: number;

  @ApiProperty({ format: 'date-time' })
  generatedAt: string;
}

export class ProfileMember {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  staffNumber: string;

  @ApiProperty()
  givenName: string;

  @ApiProperty()
  familyName: string;

  @ApiProperty()
  memberType: string;

  @ApiProperty({ nullable: true, type: String })
  rankOrGrade: string | null;
}

export class ProfileReport extends QueueItem {
  @ApiProperty({
    enum: SubjectRole,
    enumName: 'SubjectRole',
    description: 'The person’s part in this report',
  })
  role: SubjectRole;
}

export class CategoryYearCount {
  @ApiProperty({ example: '2025/26', description: 'UK financial year (1 April - 31 March) of receipt' })
  financialYear: string;

  @ApiProperty({
    enum: CorruptionCategory,
    enumName: 'CorruptionCategory',
    description: 'Primary category',
  })
  category: CorruptionCategory;

  @ApiProperty()
  count: number;
}

export class SubjectProfile {
  @ApiProperty({ type: ProfileMember })
  member: ProfileMember;

  @ApiProperty({ type: [ProfileReport], description: 'Every report concerning the person, newest first' })
  intelligence: ProfileReport[];

  @ApiProperty({ type: [CategoryYearCount], description: 'By financial year (newest first), then category' })
  intelligenceByCategoryYear: CategoryYearCount[];

  @ApiProperty({ type: [CaseSummaryView], description: 'Every case concerning the person, newest first' })
  cases: CaseSummaryView[];

  @ApiProperty({
    type: MemberVetting,
    description: 'Their vetting state now (clearances against their post)',
  })
  vetting: MemberVetting;

  @ApiProperty({ type: [AlertView], description: 'Vetting alerts not yet resolved, most urgent first' })
  openAlerts: AlertView[];
}
