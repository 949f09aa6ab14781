import { Role } from '../../common/auth/roles.js';
import { conflictingRoles } from './separation-of-duties.js';

describe('separation of duties', () => {
  it('refuses auditor with analyst or supervisor', () => {
    expect(conflictingRoles([Role.Auditor, Role.Analyst], false)).toEqual([[Role.Auditor, Role.Analyst]]);
    expect(conflictingRoles([Role.Supervisor, Role.Auditor], false)).toEqual([
      [Role.Auditor, Role.Supervisor],
    ]);
    expect(conflictingRoles([Role.Analyst, Role.Supervisor, Role.Auditor], false)).toHaveLength(2);
  });

  it('allows every other combination, and the conflicting ones when configured', () => {
    expect(conflictingRoles([Role.Analyst, Role.Supervisor], false)).toEqual([]);
    expect(conflictingRoles([Role.Auditor, Role.Admin, Role.VettingOfficer], false)).toEqual([]);
    expect(conflictingRoles([Role.Auditor, Role.Analyst, Role.Supervisor], true)).toEqual([]);
  });
});
