/**
 * domain.md, "Corruption intelligence": the national counter-corruption categories, shared by intelligence
 * reports, cases and the figures (PostgreSQL type `corruption_category`).
 */
export enum CorruptionCategory {
  AbuseOfPositionSexual = 'abuse_of_position_sexual',
  Infiltration = 'infiltration',
  DisclosureOfInformation = 'disclosure_of_information',
  PervertingJustice = 'perverting_justice',
  SexualMisconduct = 'sexual_misconduct',
  Drugs = 'drugs',
  TheftFraud = 'theft_fraud',
  MisuseOfSystems = 'misuse_of_systems',
  AbuseOfAuthority = 'abuse_of_authority',
  InappropriateAssociation = 'inappropriate_association',
  Vulnerability = 'vulnerability',
  AssistingOffenders = 'assisting_offenders',
  Other = 'other',
}
