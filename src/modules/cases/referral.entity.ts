import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Relation } from 'typeorm';
import { CaseRecord } from './case.entity.js';
import { IopcDecision, ReferralBasis, ReferralCriterion } from './cases.enums.js';

/** A case's referral to the IOPC and the IOPC's decision on the mode of investigation. */
@Entity('iopc_referral')
@Index('ix_iopc_referral_fy', ['referredFinancialYear', 'decision'])
export class IopcReferral {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => CaseRecord, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_iopc_referral_case' })
  case: Relation<CaseRecord>;

  @Index('uq_iopc_referral_case', { unique: true })
  @Column({ type: 'uuid' })
  caseId: string;

  @Column({ type: 'date' })
  referredOn: string;

  /** Financial year (start year) of referredOn; kept by trigger. */
  @Column({ type: 'int' })
  referredFinancialYear: number;

  @Column({ type: 'enum', enum: ReferralBasis, enumName: 'referral_basis' })
  basis: ReferralBasis;

  @Column({
    type: 'enum',
    enum: ReferralCriterion,
    enumName: 'referral_criterion',
    array: true,
    default: '{}',
  })
  criteria: ReferralCriterion[];

  /** Why a voluntary referral was made (gravity, exceptional circumstances). */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  iopcReference: string | null;

  @Column({ type: 'enum', enum: IopcDecision, enumName: 'iopc_decision', nullable: true })
  decision: IopcDecision | null;

  @Column({ type: 'date', nullable: true })
  decidedOn: string | null;

  @Column({ type: 'uuid' })
  recordedBy: string;

  @Column({ type: 'uuid', nullable: true })
  decisionRecordedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decisionRecordedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
