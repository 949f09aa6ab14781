import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { VettingLevel } from '../vetting/vetting.enums.js';
import { Department } from './department.entity.js';

/** A post (role) in a department, and the vetting level whoever holds it must have. */
@Entity('post')
@Index('ix_post_title_id', ['title', 'id'])
export class Post {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_post_code', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Index('ix_post_department')
  @ManyToOne(() => Department, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'fk_post_department' })
  department: Relation<Department> | null;

  @Column({ type: 'uuid', nullable: true })
  departmentId: string | null;

  /** null: the post needs no particular level. */
  @Column({ type: 'enum', enum: VettingLevel, enumName: 'vetting_level', nullable: true })
  requiredLevel: VettingLevel | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
