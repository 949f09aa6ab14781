/** Vetting levels (College of Policing vetting code; national security vetting). domain.md, "Vetting". */
export enum VettingLevel {
  RV = 'RV',
  MV = 'MV',
  NPPV1 = 'NPPV1',
  NPPV2 = 'NPPV2',
  NPPV3 = 'NPPV3',
  CTC = 'CTC',
  SC = 'SC',
  DV = 'DV',
}

export const ALL_LEVELS: readonly VettingLevel[] = Object.values(VettingLevel);
