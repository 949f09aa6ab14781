import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { WorkforceMember } from '../workforce/workforce-member.entity.js';
import { VettingLevel } from './vetting.enums.js';

/**
 * One vetting clearance, never overwritten: renewing records a new clearance and dates the old one's end
 * (`superseded_on`), withdrawing dates it (`withdrawn_on`). So a person's clearances at any date D are
 * the rows granted on or before D and neither superseded nor withdrawn by D, and the status at D
 * (active, expired, withdrawn, superseded) is a function of the dates: `vetting_clearance_status(...)`.
 */
@Entity('vetting_clearance')
@Check('ck_vetting_clearance_expiry', 'expires_on > granted_on')
@Check(
  'ck_vetting_clearance_superseded',
  '(superseded_on IS NULL) = (superseded_by_id IS NULL) AND (superseded_on IS NULL OR superseded_on >= granted_on)',
)
@Check(
  'ck_vetting_clearance_withdrawn',
  '(withdrawn_on IS NULL) = (withdrawal_reason IS NULL) AND (withdrawn_on IS NULL OR withdrawn_on >= granted_on)',
)
// (workforce_member_id, expires_on DESC, id) INCLUDE (level, granted_on, superseded_on, withdrawn_on): what
// vetting_states_at reads, index-only (migration 1795541000000 creates it; TypeORM compares the column set).
@Index('ix_vetting_clearance_member_state', [
  'workforceMemberId',
  'expiresOn',
  'id',
  'level',
  'grantedOn',
  'supersededOn',
  'withdrawnOn',
])
// The dates a state turns on, for the sweep's "whose state may have changed since" (migration 1795541000000).
@Index('ix_vetting_clearance_granted_on', ['grantedOn'])
@Index('ix_vetting_clearance_expires_on', ['expiresOn'])
@Index('ix_vetting_clearance_superseded_on', ['supersededOn'], { where: 'superseded_on IS NOT NULL' })
@Index('ix_vetting_clearance_withdrawn_on', ['withdrawnOn'], { where: 'withdrawn_on IS NOT NULL' })
export class VettingClearance {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => WorkforceMember, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workforce_member_id', foreignKeyConstraintName: 'fk_vetting_clearance_member' })
  workforceMember: Relation<WorkforceMember>;

  @Column({ type: 'uuid' })
  workforceMemberId: string;

  @Column({ type: 'enum', enum: VettingLevel, enumName: 'vetting_level' })
  level: VettingLevel;

  @Column({ type: 'date' })
  grantedOn: string;

  /** Valid while today < expires_on. */
  @Column({ type: 'date' })
  expiresOn: string;

  /** The grant date of the clearance that replaced it. */
  @Column({ type: 'date', nullable: true })
  supersededOn: string | null;

  @ManyToOne(() => VettingClearance, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'superseded_by_id', foreignKeyConstraintName: 'fk_vetting_clearance_superseded_by' })
  supersededBy: Relation<VettingClearance> | null;

  @Column({ type: 'uuid', nullable: true })
  supersededById: string | null;

  @Column({ type: 'date', nullable: true })
  withdrawnOn: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  withdrawalReason: string | null;

  /** Who recorded it (null for imports and demo data). */
  @Column({ type: 'uuid', nullable: true })
  recordedBy: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @Column({ type: 'int', default: 1 })
  version: number;
}
