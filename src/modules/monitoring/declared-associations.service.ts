import { Global, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type DeclaredAssociate, DeclaredAssociations } from '../vetting/declared-associations.port.js';
import { MonitoringRepository } from './monitoring.repository.js';

/**
 * Vetting's `DeclaredAssociations` port, answered by monitoring: the person references of the people a member
 * declares an association with become rows of `monitoring_declared_association`, which the rule
 * `declared_association` joins to the member's look-ups. Names and dates of birth stay with vetting: the force
 * systems' events name people by reference.
 */
@Injectable()
export class MonitoringDeclaredAssociations extends DeclaredAssociations {
  constructor(private readonly repository: MonitoringRepository) {
    super();
  }

  async declared(
    tx: EntityManager,
    memberId: string,
    declarationId: string,
    declaredOn: string,
    associates: readonly DeclaredAssociate[],
  ): Promise<void> {
    const refs = [...new Set(associates.flatMap((a) => a.personRefs))];
    await this.repository.declareAssociations(tx, memberId, declarationId, declaredOn, refs);
  }
}

/** Binds vetting's `DeclaredAssociations` port to monitoring, for every module (registered by AppModule). */
@Global()
@Module({
  providers: [
    MonitoringRepository,
    { provide: DeclaredAssociations, useClass: MonitoringDeclaredAssociations },
  ],
  exports: [DeclaredAssociations],
})
export class DeclaredAssociationsModule {}
