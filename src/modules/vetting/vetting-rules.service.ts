import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { ALL_LEVELS, type VettingLevel } from './vetting.enums.js';
import { parseVettingRules, type VettingRules } from '../../config/vetting-rules.js';
import { expiryFor, renewalDueFrom } from './vetting-rules.js';
import { VettingRepository } from './vetting.repository.js';

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
    private readonly tx: Transactions,
    private readonly repository: VettingRepository,
  ) {
    this.rules = parseVettingRules(config.VETTING_RULES);
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.tx.write((m) => this.sync(m));
    } catch (error) {
      // Not migrated yet (e.g. generating openapi.json): the migrations seed the defaults and every sweep syncs.
      if ((error as { driverError?: { code?: string } }).driverError?.code !== '42P01') throw error;
      this.logger.warn('vetting rules not synchronised: the schema is not migrated');
    }
  }

  async sync(m: EntityManager): Promise<void> {
    const levels = [...ALL_LEVELS];
    await this.repository.syncRules(m, {
      levels,
      renewalMonths: levels.map((l) => this.rules.renewalMonths[l]),
      warningDays: levels.map((l) => this.rules.warningDays[l]),
      satisfies: levels.flatMap((held) =>
        this.rules.satisfies[held].map((required): [VettingLevel, VettingLevel] => [held, required]),
      ),
    });
  }

  expiryFor(level: VettingLevel, grantedOn: string): string {
    return expiryFor(this.rules, level, grantedOn);
  }

  renewalDueFrom(level: VettingLevel, expiresOn: string): string {
    return renewalDueFrom(this.rules, level, expiresOn);
  }
}
