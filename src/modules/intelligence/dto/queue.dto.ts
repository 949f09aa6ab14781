import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';
import { OptionalDate, OptionalUserOrMe, OptionalUuid, QueryBoolean } from '../../../common/dto.js';
import { PageMeta, PageQuery } from '../../../common/pagination.js';
import { GradingScheme, IntelligenceState, OPEN_STATES, SubjectRole } from '../intelligence.enums.js';
import { GRADE_PART_CODES } from '../intelligence.enums.js';
import { GradingView, ReportRef, SubjectView } from './report.dto.js';

const toArray = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').filter(Boolean) : value;

/** The filters the queue and the list of reports share. */
export class ReportFilterQuery extends PageQuery {
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

  @ApiPropertyOptional({
    enum: GRADE_PART_CODES.sourceEvaluation,
    description: 'Source evaluation code (1-3 in 3x5x2, A-E in 5x5x5)',
  })
  @IsOptional()
  @Matches(/^[1-5A-E]$/, { message: 'sourceEvaluation must be one grading code' })
  sourceEvaluation?: string;

  @ApiPropertyOptional({
    enum: GRADE_PART_CODES.intelligenceAssessment,
    description: 'Intelligence assessment code (A-E in 3x5x2, 1-5 in 5x5x5)',
  })
  @IsOptional()
  @Matches(/^[1-5A-E]$/, { message: 'intelligenceAssessment must be one grading code' })
  intelligenceAssessment?: string;

  @ApiPropertyOptional({
    enum: GRADE_PART_CODES.handlingCode,
    description: 'Handling code (P/C in 3x5x2, 1-5 in 5x5x5)',
  })
  @IsOptional()
  @Matches(/^[1-5PC]$/, { message: 'handlingCode must be one grading code' })
  handlingCode?: string;

  @QueryBoolean('Only unassigned (true) or only assigned (false) reports')
  unassigned?: boolean;

  @QueryBoolean('Vulnerable person involved')
  vulnerablePerson?: boolean;
}

export class QueueQuery extends ReportFilterQuery {
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

  @OptionalUuid('Assigned to this user (an analyst’s own work)')
  assigneeId?: string;

  @OptionalUserOrMe('Assigned to this user (`me`: the caller’s own work)')
  assignee?: string;

  @QueryBoolean('Past the assessment target (or, in development, past the review date)')
  overdue?: boolean;
}

/** Every report the caller may see (any state), newest first, filtered: the list needs no search words. */
export class ReportListQuery extends ReportFilterQuery {
  @ApiPropertyOptional({
    enum: IntelligenceState,
    enumName: 'IntelligenceState',
    isArray: true,
    description: 'States (comma-separated or repeated); default every state',
  })
  @IsOptional()
  @Transform(toArray)
  @IsArray()
  @ArrayMaxSize(Object.values(IntelligenceState).length)
  @IsEnum(IntelligenceState, { each: true })
  state?: IntelligenceState[];

  @OptionalUserOrMe('Assigned to this user')
  assignee?: string;

  @OptionalDate('Received on or after this date (London)')
  receivedFrom?: string;

  @OptionalDate('Received on or before this date (London)')
  receivedTo?: string;
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

/** What the queue, the search and the profile show of a report (no narrative or source details). */
export class QueueItem {
  @ApiProperty({ example: '3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'INT-2026-7K3QZD' })
  reference: string;

  @ApiProperty({ example: 'awaiting_review', enum: IntelligenceState, enumName: 'IntelligenceState' })
  state: IntelligenceState;

  @ApiProperty({ example: '2026-05-09T16:20:00.000Z', format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ enum: CorruptionCategory, enumName: 'CorruptionCategory' })
  primaryCategory: CorruptionCategory;

  @ApiProperty({
    example: ['misuse_of_systems'],
    enum: CorruptionCategory,
    enumName: 'CorruptionCategory',
    isArray: true,
  })
  secondaryCategories: CorruptionCategory[];

  @ApiProperty({ type: GradingView })
  grading: GradingView;

  @ApiProperty({ example: true })
  vulnerablePerson: boolean;

  @ApiProperty({ example: 0, description: '0 = vulnerable person and APSP, 1 = either, 2 = neither' })
  urgencyRank: number;

  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    nullable: true,
    type: String,
  })
  assigneeId: string | null;

  @ApiProperty({
    example: 'Priya Shah',
    nullable: true,
    type: String,
    description: 'The assignee’s display name',
  })
  assigneeName: string | null;

  @ApiProperty({ example: '2026-07-15', nullable: true, type: String, format: 'date' })
  reviewDate: string | null;

  @ApiProperty({ type: [SubjectView] })
  subjects: SubjectView[];

  @ApiProperty({
    type: [ReportRef],
    description: 'Reports naming a same subject and category within the window',
  })
  possibleDuplicates: ReportRef[];

  @ApiProperty({ example: 23, description: 'Whole days since receipt' })
  ageDays: number;

  @ApiProperty({
    example: '2026-06-06',
    format: 'date',
    description: 'Receipt + assessment target; in development, the review date',
  })
  dueDate: string;

  @ApiProperty({ example: false })
  overdue: boolean;
}

export class QueuePage extends PageMeta {
  @ApiProperty({ type: [QueueItem] })
  items: QueueItem[];
}

export class StateCount {
  @ApiProperty({ example: 'in_assessment', enum: IntelligenceState, enumName: 'IntelligenceState' })
  state: IntelligenceState;

  @ApiProperty({ example: 14 })
  count: number;

  @ApiProperty({ example: 2 })
  overdue: number;

  @ApiProperty({
    example: 41,
    nullable: true,
    type: Number,
    description: 'Age in days of the oldest item in this state',
  })
  oldestAgeDays: number | null;
}

export class AnalystLoad {
  @ApiProperty({
    example: '5b9e2c7f-1a4d-4e3b-8f6c-9d2a7e1b3c45',
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null: not yet assigned',
  })
  assigneeId: string | null;

  @ApiProperty({ example: 'Priya Shah', nullable: true, type: String })
  displayName: string | null;

  @ApiProperty({ example: 9 })
  open: number;

  @ApiProperty({ example: 1 })
  overdue: number;

  @ApiProperty({ example: 33, nullable: true, type: Number })
  oldestAgeDays: number | null;
}

export class QueueSummary {
  @ApiProperty({ type: [StateCount], description: 'Every open state, zero counts included' })
  byState: StateCount[];

  @ApiProperty({ example: 38 })
  open: number;

  @ApiProperty({ example: 5 })
  overdue: number;

  @ApiProperty({ example: 4 })
  unassigned: number;

  @ApiProperty({ example: 41, nullable: true, type: Number })
  oldestAgeDays: number | null;

  @ApiProperty({
    type: [AnalystLoad],
    description: 'Open items per assignee (the unit’s capacity), busiest first',
  })
  perAnalyst: AnalystLoad[];

  @ApiProperty({ example: 28 })
  assessmentTargetDays: number;

  @ApiProperty({ example: '2026-06-05T08:00:00.000Z', format: 'date-time' })
  generatedAt: string;
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

  @ApiProperty({ example: 17 })
  count: number;
}
