import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';
import {
  GradingScheme,
  IntelligenceState,
  ReceiptMethod,
  ReviewDecision,
  SourceType,
  SubjectRole,
} from '../intelligence.enums.js';
import { GRADE_PART_CODES } from '../intelligence.enums.js';

export class GradingView {
  @ApiProperty({ enum: GradingScheme, enumName: 'GradingScheme' })
  scheme: GradingScheme;

  @ApiProperty({ enum: GRADE_PART_CODES.sourceEvaluation })
  sourceEvaluation: string;

  @ApiProperty({ enum: GRADE_PART_CODES.intelligenceAssessment })
  intelligenceAssessment: string;

  @ApiProperty({ enum: GRADE_PART_CODES.handlingCode })
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

  @ApiProperty({ nullable: true, type: String, description: 'Display name of the user' })
  submittedByName: string | null;

  @ApiProperty({ format: 'date-time' })
  submittedAt: string;

  @ApiProperty({
    type: () => SendBackView,
    nullable: true,
    description: 'When a supervisor sent this version back to its analyst, with why (the version is kept)',
  })
  sentBack: SendBackView | null;
}

export class SendBackView {
  @ApiProperty()
  reason: string;

  @ApiProperty({ format: 'uuid' })
  sentBackBy: string;

  @ApiProperty({ nullable: true, type: String, description: 'Display name of the user' })
  sentBackByName: string | null;

  @ApiProperty({ format: 'date-time' })
  sentBackAt: string;
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

  @ApiProperty({ nullable: true, type: String, description: 'Display name of the user' })
  reviewedByName: string | null;

  @ApiProperty({ format: 'date-time' })
  reviewedAt: string;
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

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Display name (null in the answer to the recording)',
  })
  recordedByName: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  assigneeId: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The assignee’s display name' })
  assigneeName: string | null;

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
