/**
 * Every entity, in one list: both processes (API and worker) load all of them, so that relations between
 * modules resolve whichever modules a process uses. `entities.spec.ts` fails when an entity is missing.
 */
import {
  CaseEvent,
  CaseIntelligence,
  CaseRecord,
  CaseSeverityAssessment,
  CaseSubject,
} from '../modules/cases/case.entity.js';
import { CaseSubjectOutcome } from '../modules/cases/outcome.entity.js';
import { IopcReferral } from '../modules/cases/referral.entity.js';
import {
  IntelligenceAssessment,
  IntelligenceDuplicate,
  IntelligenceLink,
  IntelligenceReport,
  IntelligenceReview,
  IntelligenceSubject,
} from '../modules/intelligence/intelligence-report.entity.js';
import { VettingAlert } from '../modules/vetting/alert.entity.js';
import { VettingClearance } from '../modules/vetting/clearance.entity.js';
import { VettingDeclaration } from '../modules/vetting/declaration.entity.js';
import { OutboxMessage } from '../modules/vetting/outbox.entity.js';
import { Department } from '../modules/workforce/department.entity.js';
import { Post } from '../modules/workforce/post.entity.js';
import { WorkforceMember } from '../modules/workforce/workforce-member.entity.js';

export const ENTITIES = [
  CaseRecord,
  CaseSubject,
  CaseIntelligence,
  CaseSeverityAssessment,
  CaseEvent,
  IopcReferral,
  CaseSubjectOutcome,
  IntelligenceReport,
  IntelligenceSubject,
  IntelligenceLink,
  IntelligenceDuplicate,
  IntelligenceAssessment,
  IntelligenceReview,
  VettingAlert,
  VettingClearance,
  VettingDeclaration,
  OutboxMessage,
  Department,
  Post,
  WorkforceMember,
];
