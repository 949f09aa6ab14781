import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { WorkforceMember } from '../workforce/workforce-member.entity.js';
import { DeclarationCategory } from './vetting.enums.js';

/** A declared change of circumstances; each raises a review_required alert. */
@Entity('vetting_declaration')
@Index('ix_vetting_declaration_member', ['workforceMemberId', 'declaredOn'])
export class VettingDeclaration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => WorkforceMember, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workforce_member_id', foreignKeyConstraintName: 'fk_vetting_declaration_member' })
  workforceMember: Relation<WorkforceMember>;

  @Column({ type: 'uuid' })
  workforceMemberId: string;

  @Column({ type: 'enum', enum: DeclarationCategory, enumName: 'declaration_category' })
  category: DeclarationCategory;

  @Column({ type: 'date' })
  declaredOn: string;

  /** The declaration itself: personal data, shown to vetting staff only, never logged or queued. */
  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'uuid', nullable: true })
  recordedBy: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}
