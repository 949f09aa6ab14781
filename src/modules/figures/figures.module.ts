import { Module } from '@nestjs/common';
import { FiguresController } from './figures.controller.js';
import { FiguresService } from './figures.service.js';

/** Financial-year figures, compliance, capacity and the misconduct return: SQL aggregates, read-only. */
@Module({
  controllers: [FiguresController],
  providers: [FiguresService],
})
export class FiguresModule {}
