import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CaseReferencesRepository } from './case-references.repository.js';

/** A case's reference, as other modules look it up. */
export interface CaseReference {
  id: string;
  reference: string;
  /** The workforce members the case concerns, for the caller's access check and audit row. */
  members: string[];
}

/**
 * For other modules (the directory): a case by its reference. Not policed here: the caller decides what a
 * hidden case answers (the same as a missing one) and audits it, naming `members`.
 */
@Injectable()
export class CaseReferencesService {
  constructor(private readonly repository: CaseReferencesRepository) {}

  find(tx: EntityManager, reference: string): Promise<CaseReference | undefined> {
    return this.repository.byReference(tx, reference);
  }
}
