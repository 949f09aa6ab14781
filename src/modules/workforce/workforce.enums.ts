/** domain.md, "People and roles". */
export enum MemberType {
  Officer = 'officer',
  Staff = 'staff',
  SpecialConstable = 'special_constable',
  Pcso = 'pcso',
  Volunteer = 'volunteer',
  Contractor = 'contractor',
}
