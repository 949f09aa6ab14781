import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { Department } from './department.entity.js';
import { Post } from './post.entity.js';
import { WorkforceImportService } from './workforce-import.service.js';
import { WorkforceMember } from './workforce-member.entity.js';
import { WorkforceController } from './workforce.controller.js';
import { WorkforceService } from './workforce.service.js';

/** Workforce members, departments and posts. Other modules use WorkforceService (e.g. assertExists). */
@Module({
  imports: [TypeOrmModule.forFeature([WorkforceMember, Department, Post])],
  controllers: [WorkforceController],
  providers: [WorkforceService, WorkforceImportService],
  exports: [WorkforceService],
})
export class WorkforceModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** The CSV import's body parser (text/csv as a string, up to IMPORT_BODY_LIMIT); API process only. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('text/csv')) return;
    fastify.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: this.config.IMPORT_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
  }
}
