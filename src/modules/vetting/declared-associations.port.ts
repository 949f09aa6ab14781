import type { EntityManager } from 'typeorm';

/** A person a member declares an association with, as the force's systems know them. */
export interface DeclaredAssociate {
  name: string;
  /** YYYY-MM-DD, or null when not known. */
  dateOfBirth: string | null;
  /** The person's ids in the force's systems (records management person id, PNC id...), as their events name them. */
  personRefs: string[];
}

/**
 * What becomes of a declared association beyond vetting: ICT monitoring watches the member's look-ups of the
 * people declared (its rule `declared_association`). Vetting declares this port in its own terms and calls it in
 * the declaration's transaction; the monitoring module implements it and binds it globally, so vetting imports
 * nothing from monitoring and writes none of its tables (ADR 0002, "ports").
 */
export abstract class DeclaredAssociations {
  /** Records, in the caller's transaction, that `memberId` declared on `declaredOn` an association with these people. */
  abstract declared(
    tx: EntityManager,
    memberId: string,
    declarationId: string,
    declaredOn: string,
    associates: readonly DeclaredAssociate[],
  ): Promise<void>;
}
