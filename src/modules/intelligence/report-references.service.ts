import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ReportReferencesRepository } from './report-references.repository.js';

/** An intelligence report's reference, as other modules look it up. */
export interface ReportReference {
  id: string;
  reference: string;
  /** The workforce members the report concerns, for the caller's access check and audit row. */
  members: string[];
}

/**
 * For other modules (the directory): a report by its reference. Not policed here: the caller decides what a
 * hidden report answers (the same as a missing one) and audits it, naming `members`.
 */
@Injectable()
export class ReportReferencesService {
  constructor(private readonly repository: ReportReferencesRepository) {}

  find(tx: EntityManager, reference: string): Promise<ReportReference | undefined> {
    return this.repository.byReference(tx, reference);
  }
}
