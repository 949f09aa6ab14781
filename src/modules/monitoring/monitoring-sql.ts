import { sql } from 'kysely';
import { BUSINESS_TIME_ZONE } from '../../common/clock.js';

/** The business calendar's time zone, as an SQL literal (monitoring's repositories). */
export const LONDON = sql.lit(BUSINESS_TIME_ZONE);

/** The London day of an event (row aliased `alias`). */
export const DAY = (alias: string) =>
  sql.raw(`((${alias}.occurred_at AT TIME ZONE '${BUSINESS_TIME_ZONE}')::date)`);
