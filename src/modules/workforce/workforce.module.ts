import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Department } from './department.entity.js';
import { Post } from './post.entity.js';
import { WorkforceMember } from './workforce-member.entity.js';

@Module({ imports: [TypeOrmModule.forFeature([WorkforceMember, Department, Post])] })
export class WorkforceModule {}
