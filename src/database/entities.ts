/**
 * Every entity, in one list: both processes (API and worker) load all of them, so that relations between
 * modules resolve whichever modules a process uses. `entities.spec.ts` fails when an entity is missing.
 */
import { AuthSession, RefreshToken } from '../modules/auth/session.entity.js';
import { AppUser } from '../modules/auth/user.entity.js';
import { CaseEvent, CaseRecord, CaseSeverityAssessment, CaseSubject } from '../modules/cases/case.entity.js';
import { CaseSubjectOutcome } from '../modules/cases/outcome.entity.js';
import { IopcReferral } from '../modules/cases/referral.entity.js';
import { VettingAlert } from '../modules/vetting/alert.entity.js';
import { VettingClearance } from '../modules/vetting/clearance.entity.js';
import { VettingDeclaration } from '../modules/vetting/declaration.entity.js';
import { OutboxMessage } from '../modules/vetting/outbox.entity.js';
import { Department } from '../modules/workforce/department.entity.js';
import { Post } from '../modules/workforce/post.entity.js';
import { WorkforceMember } from '../modules/workforce/workforce-member.entity.js';

export const ENTITIES = [
  AuthSession,
  RefreshToken,
  AppUser,
  CaseRecord,
  CaseSubject,
  CaseSeverityAssessment,
  CaseEvent,
  IopcReferral,
  CaseSubjectOutcome,
  VettingAlert,
  VettingClearance,
  VettingDeclaration,
  OutboxMessage,
  Department,
  Post,
  WorkforceMember,
];
