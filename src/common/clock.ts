import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/** The calendar the business runs on: a force in England and Wales counts its days in London time. */
export const BUSINESS_TIME_ZONE = 'Europe/London';

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The London calendar date (YYYY-MM-DD) of an instant. */
export const londonDateOf = (instant: Date): string => londonDate.format(instant);

/**
 * The one clock: "today" is the London date (due dates, renewals, the 28-day updates, financial years) and "now"
 * the instant (timestamps). Nothing else asks the system or the database for a business date (no `new Date()`
 * for a date, no SQL `current_date`/`now()` for one): services pass `today()` into their queries, so tests set
 * the date instead of waiting for it. Instants written by the database itself (`created_at`, audit rows) stay
 * the database's `now()`.
 */
@Injectable()
export class Clock {
  private fixedToday: string | null;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.fixedToday = config.NODE_ENV === 'test' && config.CLOCK_TODAY ? config.CLOCK_TODAY : null;
  }

  /** Today's date in London, YYYY-MM-DD. */
  today(): string {
    return this.fixedToday ?? londonDateOf(this.now());
  }

  /** The current instant. */
  now(): Date {
    return new Date();
  }

  /** Tests only: fix today's date (null: the real one again). Refused outside NODE_ENV=test. */
  setToday(date: string | null): void {
    if (this.config.NODE_ENV !== 'test') throw new Error('Clock.setToday is for tests only');
    this.fixedToday = date;
  }
}
