import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/**
 * "Today" and "now" for the vetting rules, in one place, so that tests set the date instead of waiting
 * for it. Days are UTC calendar dates (YYYY-MM-DD).
 */
@Injectable()
export class Clock {
  private fixedToday: string | null;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.fixedToday = config.NODE_ENV === 'test' && config.CLOCK_TODAY ? config.CLOCK_TODAY : null;
  }

  today(): string {
    return this.fixedToday ?? new Date().toISOString().slice(0, 10);
  }

  now(): Date {
    return new Date();
  }

  /** Tests only: fix today's date (null: the real one again). Refused outside NODE_ENV=test. */
  setToday(date: string | null): void {
    if (this.config.NODE_ENV !== 'test') throw new Error('Clock.setToday is for tests only');
    this.fixedToday = date;
  }
}
