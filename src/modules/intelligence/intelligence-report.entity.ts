import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';
import { CaseRecord } from '../cases/case.entity.js';
import { WorkforceMember } from '../workforce/workforce-member.entity.js';
import {
  GradingScheme,
  IntelligenceState,
  ReceiptMethod,
  ReviewDecision,
  SourceType,
  SubjectRole,
} from './intelligence.enums.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';

/** The open states, as SQL (the queue's partial index and its queries use the same text). */
export const OPEN_STATES_SQL = `state IN ('received', 'in_assessment', 'awaiting_review', 'development')`;

/**
 * One graded corruption intelligence report. `narrative`, `source_details`, the vulnerable-person note and the
 * handling conditions are sensitive: never logged, queued or put in an error. `urgency_rank` and
 * `search_vector` are kept by the trigger `intelligence_report_derive` (see the migration).
 */
@Entity('intelligence_report')
@Index('ix_intelligence_report_queue', ['urgencyRank', 'receivedAt', 'id'], { where: OPEN_STATES_SQL })
/** Covers the queue summary (index-only scan of the open items). */
@Index('ix_intelligence_report_open_summary', ['state', 'assigneeId', 'receivedAt', 'reviewDate'], {
  where: OPEN_STATES_SQL,
})
@Index('ix_intelligence_report_received', ['receivedAt', 'id'])
@Index('ix_intelligence_report_assignee', ['assigneeId', 'state'])
@Index('ix_intelligence_report_referred_case', ['referredCaseId'], { where: 'referred_case_id IS NOT NULL' })
// Hand-made in the migration (INCLUDE columns): the figures' covering index by received_at.
@Index('ix_intelligence_report_figures', { synchronize: false })
@Check('ck_intelligence_report_narrative_length', `char_length(narrative) BETWEEN 1 AND 50000`)
@Check('ck_intelligence_report_urgency', `urgency_rank BETWEEN 0 AND 2`)
export class IntelligenceReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `INT-<year>-<6 random Crockford base32 characters>` (src/common/reference.ts); older ones `INT-<year>-<000123>`. */
  @Index('uq_intelligence_report_reference', { unique: true })
  @Column({ type: 'varchar', length: 20 })
  reference: string;

  @Column({
    type: 'enum',
    enum: IntelligenceState,
    enumName: 'intelligence_state',
    default: IntelligenceState.Received,
  })
  state: IntelligenceState;

  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  @Column({ type: 'enum', enum: ReceiptMethod, enumName: 'intelligence_receipt_method' })
  receiptMethod: ReceiptMethod;

  @Column({ type: 'enum', enum: SourceType, enumName: 'intelligence_source_type' })
  sourceType: SourceType;

  /** Protected: only the recording user and supervisors see it. */
  @Column({ type: 'text', nullable: true })
  sourceDetails: string | null;

  @Column({ type: 'enum', enum: GradingScheme, enumName: 'grading_scheme' })
  gradingScheme: GradingScheme;

  @Column({ type: 'varchar', length: 1 })
  sourceEvaluation: string;

  @Column({ type: 'varchar', length: 1 })
  intelligenceAssessment: string;

  @Column({ type: 'varchar', length: 1 })
  handlingCode: string;

  @Column({ type: 'text', nullable: true })
  handlingConditions: string | null;

  @Column({ type: 'enum', enum: CorruptionCategory, enumName: 'corruption_category' })
  primaryCategory: CorruptionCategory;

  @Column({
    type: 'enum',
    enum: CorruptionCategory,
    enumName: 'corruption_category',
    array: true,
    default: '{}',
  })
  secondaryCategories: CorruptionCategory[];

  @Column({ type: 'boolean', default: false })
  vulnerablePerson: boolean;

  @Column({ type: 'text', nullable: true })
  vulnerablePersonNote: string | null;

  @Column({ type: 'text' })
  narrative: string;

  /** 0 = vulnerable person and APSP, 1 = either, 2 = neither (set by trigger). */
  @Column({ type: 'smallint', default: 2 })
  urgencyRank: number;

  /** Reference and narrative, for full-text search (set by trigger; GIN index). */
  @Index('ix_intelligence_report_search', { type: 'gin' })
  @Column({ type: 'tsvector', select: false, nullable: true })
  searchVector: string | null;

  @Column({ type: 'uuid', name: 'recorded_by' })
  recordedBy: string;

  @Column({ type: 'uuid', nullable: true })
  assigneeId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  assignedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  assignedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  submittedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @Column({ type: 'enum', enum: ReviewDecision, enumName: 'intelligence_decision', nullable: true })
  decision: ReviewDecision | null;

  /** For `development`: when the report comes back for review. */
  @Column({ type: 'date', nullable: true })
  reviewDate: string | null;

  /** For `referred_to_case`: the case it was referred to (CasesService.referFromIntelligence). */
  @ManyToOne(() => CaseRecord, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referred_case_id', foreignKeyConstraintName: 'fk_intelligence_report_referred_case' })
  referredCase: Relation<CaseRecord> | null;

  @Column({ type: 'uuid', nullable: true })
  referredCaseId: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A workforce member a report concerns, and their part in it. Also the conflict-of-interest link. */
@Entity('intelligence_subject')
@Index('ix_intelligence_subject_member', ['workforceMemberId', 'reportId'])
export class IntelligenceSubject {
  @PrimaryColumn({ type: 'uuid' })
  reportId: string;

  @PrimaryColumn({ type: 'uuid' })
  workforceMemberId: string;

  @ManyToOne(() => IntelligenceReport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_intelligence_subject_report' })
  report: Relation<IntelligenceReport>;

  @ManyToOne(() => WorkforceMember, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workforce_member_id', foreignKeyConstraintName: 'fk_intelligence_subject_member' })
  workforceMember: Relation<WorkforceMember>;

  @Column({ type: 'enum', enum: SubjectRole, enumName: 'intelligence_subject_role' })
  role: SubjectRole;
}

/** A link between two reports (stored once, read both ways). */
@Entity('intelligence_link')
@Index('ix_intelligence_link_linked', ['linkedReportId', 'reportId'])
@Check('ck_intelligence_link_not_self', `report_id <> linked_report_id`)
export class IntelligenceLink {
  @PrimaryColumn({ type: 'uuid' })
  reportId: string;

  @PrimaryColumn({ type: 'uuid' })
  linkedReportId: string;

  @ManyToOne(() => IntelligenceReport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_intelligence_link_report' })
  report: Relation<IntelligenceReport>;

  @ManyToOne(() => IntelligenceReport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'linked_report_id', foreignKeyConstraintName: 'fk_intelligence_link_linked' })
  linkedReport: Relation<IntelligenceReport>;

  @Column({ type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * Possible duplicate: `report_id` names a subject and category that `related_report_id` (received within the
 * configured window) also does. Computed when a report is recorded or its subjects or categories change.
 */
@Entity('intelligence_duplicate')
@Index('ix_intelligence_duplicate_related', ['relatedReportId', 'reportId'])
@Check('ck_intelligence_duplicate_not_self', `report_id <> related_report_id`)
export class IntelligenceDuplicate {
  @PrimaryColumn({ type: 'uuid' })
  reportId: string;

  @PrimaryColumn({ type: 'uuid' })
  relatedReportId: string;

  @ManyToOne(() => IntelligenceReport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_intelligence_duplicate_report' })
  report: Relation<IntelligenceReport>;

  @ManyToOne(() => IntelligenceReport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'related_report_id', foreignKeyConstraintName: 'fk_intelligence_duplicate_related' })
  relatedReport: Relation<IntelligenceReport>;
}

/** Every version of the assessment an analyst submitted for review (never updated). */
@Entity('intelligence_assessment')
@Index('uq_intelligence_assessment_version', ['reportId', 'versionNo'], { unique: true })
export class IntelligenceAssessment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => IntelligenceReport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_intelligence_assessment_report' })
  report: Relation<IntelligenceReport>;

  @Column({ type: 'uuid' })
  reportId: string;

  @Column({ type: 'int' })
  versionNo: number;

  @Column({ type: 'text' })
  assessmentText: string;

  @Column({ type: 'enum', enum: ReviewDecision, enumName: 'intelligence_decision' })
  recommendedDecision: ReviewDecision;

  @Column({ type: 'uuid', name: 'submitted_by' })
  submittedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  submittedAt: Date;
}

/** Every supervisor review: the decision on one assessment version and what the decision needs. */
@Entity('intelligence_review')
@Index('ix_intelligence_review_report', ['reportId', 'reviewedAt'])
export class IntelligenceReview {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => IntelligenceReport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_intelligence_review_report' })
  report: Relation<IntelligenceReport>;

  @Column({ type: 'uuid' })
  reportId: string;

  @ManyToOne(() => IntelligenceAssessment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assessment_id', foreignKeyConstraintName: 'fk_intelligence_review_assessment' })
  assessment: Relation<IntelligenceAssessment>;

  @Column({ type: 'uuid' })
  assessmentId: string;

  @Column({ type: 'enum', enum: ReviewDecision, enumName: 'intelligence_decision' })
  decision: ReviewDecision;

  /** Required for no_further_action. Sensitive. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'date', nullable: true })
  reviewDate: string | null;

  @ManyToOne(() => CaseRecord, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_intelligence_review_case' })
  case: Relation<CaseRecord> | null;

  @Column({ type: 'uuid', nullable: true })
  caseId: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  recipient: string | null;

  @Column({ type: 'uuid', name: 'reviewed_by' })
  reviewedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  reviewedAt: Date;
}
