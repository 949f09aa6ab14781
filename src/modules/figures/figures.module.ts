import { Module } from '@nestjs/common';
import { FiguresController } from './figures.controller.js';
import { FiguresRepository } from './figures.repository.js';
import { FiguresService } from './figures.service.js';
import { MonthFiguresRepository } from './month-figures.repository.js';
import { YearFiguresRepository } from './year-figures.repository.js';

/** Financial-year figures, compliance, capacity and the misconduct return: SQL aggregates, read-only. */
@Module({
  controllers: [FiguresController],
  providers: [FiguresService, FiguresRepository, YearFiguresRepository, MonthFiguresRepository],
})
export class FiguresModule {}
