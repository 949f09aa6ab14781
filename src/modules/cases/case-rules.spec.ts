import { evaluateReferral, nextStatus, TRANSITIONS } from './case-rules.js';
import { CaseAction, CaseStatus, ReferralCriterion } from './cases.enums.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';

const S = CaseStatus;
const A = CaseAction;

/** Every (action, status) cell: the status it leads to, or null (409 invalid_transition). */
const EXPECTED: Record<CaseAction, Record<CaseStatus, CaseStatus | null>> = {
  [A.StartInvestigation]: {
    open: S.UnderInvestigation,
    under_investigation: null,
    suspended: null,
    awaiting_outcome: null,
    closed: null,
  },
  [A.Suspend]: {
    open: S.Suspended,
    under_investigation: S.Suspended,
    suspended: null,
    awaiting_outcome: S.Suspended,
    closed: null,
  },
  [A.Resume]: {
    open: null,
    under_investigation: null,
    suspended: S.UnderInvestigation,
    awaiting_outcome: null,
    closed: null,
  },
  [A.AwaitOutcome]: {
    open: null,
    under_investigation: S.AwaitingOutcome,
    suspended: null,
    awaiting_outcome: null,
    closed: null,
  },
  [A.Close]: {
    open: null,
    under_investigation: S.Closed,
    suspended: null,
    awaiting_outcome: S.Closed,
    closed: null,
  },
};

describe('case lifecycle', () => {
  const cells = Object.values(A).flatMap((action) =>
    Object.values(S).map((status) => ({ action, status, to: EXPECTED[action][status] })),
  );
  it.each(cells)('$action from $status → $to', ({ action, status, to }) => {
    expect(nextStatus(action, status, S.UnderInvestigation)).toBe(to);
  });

  it('resumes to the status the case was suspended from (open when unknown)', () => {
    expect(nextStatus(A.Resume, S.Suspended, S.AwaitingOutcome)).toBe(S.AwaitingOutcome);
    expect(nextStatus(A.Resume, S.Suspended, null)).toBe(S.Open);
  });

  it('has a rule for every action', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual(Object.values(A).sort());
  });
});

describe('mandatory referral criteria', () => {
  it('requires a referral for any APSP case', () => {
    expect(evaluateReferral([CorruptionCategory.AbuseOfPositionSexual], [])).toEqual({
      referralRequired: true,
      criteriaMet: [ReferralCriterion.ApspOrImproperRelationship],
    });
  });

  it('treats perverting justice, assisting offenders and infiltration as serious corruption', () => {
    for (const c of [
      CorruptionCategory.PervertingJustice,
      CorruptionCategory.AssistingOffenders,
      CorruptionCategory.Infiltration,
    ]) {
      expect(evaluateReferral([c], []).criteriaMet).toEqual([ReferralCriterion.SeriousCorruption]);
    }
  });

  it('requires none for categories that meet no criterion and no facts', () => {
    for (const c of [
      CorruptionCategory.Drugs,
      CorruptionCategory.MisuseOfSystems,
      CorruptionCategory.Vulnerability,
      CorruptionCategory.Other,
    ]) {
      expect(evaluateReferral([c], [])).toEqual({ referralRequired: false, criteriaMet: [] });
    }
  });

  it('adds the recorded facts, without duplicates, in a stable order', () => {
    expect(
      evaluateReferral(
        [CorruptionCategory.AbuseOfPositionSexual, CorruptionCategory.Drugs],
        [
          ReferralCriterion.ChiefOfficer,
          ReferralCriterion.ApspOrImproperRelationship,
          ReferralCriterion.SeriousAssault,
        ],
      ).criteriaMet,
    ).toEqual([
      ReferralCriterion.ApspOrImproperRelationship,
      ReferralCriterion.SeriousAssault,
      ReferralCriterion.ChiefOfficer,
    ]);
  });
});
