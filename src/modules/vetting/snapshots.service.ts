import { Injectable } from '@nestjs/common';
import { Transactions } from '../../database/database.module.js';
import { SnapshotsRepository } from './snapshots.repository.js';

/** Month ends are kept for this many financial years, the current one included (the figures' longest range). */
export const SNAPSHOT_YEARS = 10;

/** The first day kept: 1 April of the financial year SNAPSHOT_YEARS − 1 before the one `today` is in. */
export function snapshotWindowStart(today: string): string {
  const [year, month] = today.split('-').map(Number);
  const fy = month >= 4 ? year : year - 1;
  return `${fy - (SNAPSHOT_YEARS - 1)}-04-01`;
}

/**
 * Vetting compliance snapshots (issue 25): the worker computes, every few seconds, the snapshot of each kept
 * date that has none: each month end of the window once it has passed, and today; a back-dated change
 * discarded the snapshots of the dates it touches (vetting_compliance_invalidate, in its own transaction), so
 * these are computed again. Each date in its own transaction under the snapshot lock. Returns the dates
 * computed.
 */
@Injectable()
export class SnapshotsService {
  constructor(
    private readonly tx: Transactions,
    private readonly repository: SnapshotsRepository,
  ) {}

  async refresh(today: string): Promise<string[]> {
    const from = snapshotWindowStart(today);
    const missing = await this.tx.write(async (m) => {
      await this.repository.prune(m, from, today);
      return this.repository.missing(m, from, today);
    });
    const computed: string[] = [];
    for (const asOf of missing) {
      if (await this.tx.write((m) => this.repository.compute(m, asOf))) computed.push(asOf);
    }
    return computed;
  }
}
