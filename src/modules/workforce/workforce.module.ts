import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WorkforceMember } from './workforce-member.entity.js';

@Module({ imports: [TypeOrmModule.forFeature([WorkforceMember])] })
export class WorkforceModule {}
