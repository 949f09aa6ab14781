import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { ALL_LEVELS, type VettingLevel } from './vetting.enums.js';
import { parseVettingRules, type VettingRules } from '../../config/vetting-rules.js';
import { expiryFor, renewalDueFrom } from './vetting-rules.js';

/** Serialises rule synchronisation between processes starting at once. */
const RULES_LOCK = 0x5645_5452; // 'VETR'

/**
 * The rules in force (VETTING_RULES over the defaults), and their copy in PostgreSQL
 * (vetting_level_rule, vetting_level_satisfies) that vetting_states_at() reads. The API writes them at
 * start and every full sweep writes them again, so a changed configuration takes effect on the next sweep.
 */
@Injectable()
export class VettingRulesService implements OnModuleInit {
  readonly rules: VettingRules;
  private readonly logger = new Logger(VettingRulesService.name);

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.rules = parseVettingRules(config.VETTING_RULES);
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.db.transaction((m) => this.sync(m));
    } catch (error) {
      // Not migrated yet (e.g. generating openapi.json): the migrations seed the defaults and every sweep syncs.
      if ((error as { driverError?: { code?: string } }).driverError?.code !== '42P01') throw error;
      this.logger.warn('vetting rules not synchronised: the schema is not migrated');
    }
  }

  async sync(m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock($1)`, [RULES_LOCK]);
    const levels = [...ALL_LEVELS];
    await m.query(
      `INSERT INTO vetting_level_rule (level, renewal_months, warning_days)
       SELECT * FROM unnest($1::vetting_level[], $2::int[], $3::int[])
       ON CONFLICT (level) DO UPDATE SET renewal_months = EXCLUDED.renewal_months, warning_days = EXCLUDED.warning_days
       WHERE (vetting_level_rule.renewal_months, vetting_level_rule.warning_days)
             IS DISTINCT FROM (EXCLUDED.renewal_months, EXCLUDED.warning_days)`,
      [levels, levels.map((l) => this.rules.renewalMonths[l]), levels.map((l) => this.rules.warningDays[l])],
    );
    const pairs = levels.flatMap((held) => this.rules.satisfies[held].map((required) => [held, required]));
    await m.query(
      `WITH wanted AS (SELECT * FROM unnest($1::vetting_level[], $2::vetting_level[]) AS w(held, required)),
            gone AS (DELETE FROM vetting_level_satisfies s
                      WHERE NOT EXISTS (SELECT 1 FROM wanted w WHERE w.held = s.held AND w.required = s.required))
       INSERT INTO vetting_level_satisfies (held, required) SELECT held, required FROM wanted
       ON CONFLICT DO NOTHING`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  }

  expiryFor(level: VettingLevel, grantedOn: string): string {
    return expiryFor(this.rules, level, grantedOn);
  }

  renewalDueFrom(level: VettingLevel, expiresOn: string): string {
    return renewalDueFrom(this.rules, level, expiresOn);
  }
}
