import { AccessAction, ContactChannel, PersonRole } from './monitoring.enums.js';

/** A person on a record or in a contact, as the force system names them. */
export interface EventPerson {
  /** The person's reference in the force's systems. */
  ref: string;
  role: PersonRole;
  vulnerable: boolean;
  /** Set when the person is a workforce member (their staff number). */
  staffNumber?: string;
}

/** A validated event, ready for the staging table. */
export interface StagedEvent {
  line: number;
  kind: 'access' | 'contact';
  eventId: string;
  occurredAt: string;
  userRef: string;
  action: AccessAction | null;
  channel: ContactChannel | null;
  recordType: string | null;
  recordId: string | null;
  incidentRef: string | null;
  people: EventPerson[];
  vulnerable: boolean;
}

/** An event a flag carries as evidence: who (the flag's member), when, which record. */
export interface FlagEvidence {
  kind: 'access' | 'contact';
  sourceId: string;
  eventId: string;
  occurredAt: string;
  action: string;
  recordType: string | null;
  recordId: string | null;
  personRef: string | null;
}

export interface RowProblem {
  line: number;
  reason: string;
}

const MAX_PEOPLE = 100;
const ACTIONS = new Set<string>(Object.values(AccessAction));
const CHANNELS = new Set<string>(Object.values(ContactChannel));
const ROLES = new Set<string>(Object.values(PersonRole));
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

// eslint-disable-next-line no-control-regex
const BAD_TEXT = /[\u0000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function text(value: unknown, field: string, max: number, required: boolean): string | null {
  if (value === undefined || value === null || value === '') {
    if (required) throw new Error(`${field} is required`);
    return null;
  }
  if (typeof value !== 'string') throw new Error(`${field} must be a string`);
  if (value.length > max) throw new Error(`${field} must be at most ${max} characters`);
  if (BAD_TEXT.test(value)) throw new Error(`${field} contains a NUL byte or an unpaired surrogate`);
  return value;
}

/**
 * Validates one event (an NDJSON line's object or a CSV row mapped to the same shape). Throws an Error whose
 * message is the reason the row is refused. `now` and `oldest` bound `occurredAt` (no more than a day ahead,
 * not before the retention period).
 */
export function validateEvent(raw: unknown, line: number, now: Date, oldest: Date): StagedEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error('a row must be a JSON object');
  const r = raw as Record<string, unknown>;
  const kind = r.kind ?? 'access';
  if (kind !== 'access' && kind !== 'contact') throw new Error('kind must be access or contact');
  const eventId = text(r.eventId, 'eventId', 200, true) as string;
  const occurred = text(r.occurredAt, 'occurredAt', 40, true) as string;
  const when = new Date(occurred);
  if (!ISO_INSTANT.test(occurred) || Number.isNaN(when.getTime()))
    throw new Error('occurredAt must be an ISO 8601 instant with its offset');
  if (when.getTime() > now.getTime() + 86_400_000) throw new Error('occurredAt is in the future');
  if (when.getTime() < oldest.getTime()) throw new Error('occurredAt is before the retention period');
  const userRef = text(r.user, 'user', 100, true) as string;
  const incidentRef = text(r.incidentRef, 'incidentRef', 200, false);
  let action: AccessAction | null = null;
  let channel: ContactChannel | null = null;
  let recordType: string | null = null;
  let recordId: string | null = null;
  if (kind === 'access') {
    if (typeof r.action !== 'string' || !ACTIONS.has(r.action))
      throw new Error(`action must be one of ${[...ACTIONS].join(', ')}`);
    action = r.action as AccessAction;
    recordType = text(r.recordType, 'recordType', 100, true);
    recordId = text(r.recordId, 'recordId', 200, true);
  } else {
    if (typeof r.channel !== 'string' || !CHANNELS.has(r.channel))
      throw new Error(`channel must be one of ${[...CHANNELS].join(', ')}`);
    channel = r.channel as ContactChannel;
  }
  const peopleRaw = r.people ?? [];
  if (!Array.isArray(peopleRaw)) throw new Error('people must be an array');
  if (peopleRaw.length > MAX_PEOPLE) throw new Error(`people must name at most ${MAX_PEOPLE} people`);
  const people = peopleRaw.map((p: unknown, i): EventPerson => {
    if (typeof p !== 'object' || p === null || Array.isArray(p))
      throw new Error(`people.${i} must be an object`);
    const q = p as Record<string, unknown>;
    const ref = text(q.ref, `people.${i}.ref`, 200, true) as string;
    if (typeof q.role !== 'string' || !ROLES.has(q.role))
      throw new Error(`people.${i}.role must be one of ${[...ROLES].join(', ')}`);
    if (q.vulnerable !== undefined && typeof q.vulnerable !== 'boolean')
      throw new Error(`people.${i}.vulnerable must be true or false`);
    const staffNumber = text(q.staffNumber, `people.${i}.staffNumber`, 100, false);
    return {
      ref,
      role: q.role as PersonRole,
      vulnerable: q.vulnerable === true,
      ...(staffNumber ? { staffNumber } : {}),
    };
  });
  return {
    line,
    kind,
    eventId,
    occurredAt: when.toISOString(),
    userRef,
    action,
    channel,
    recordType,
    recordId,
    incidentRef,
    people,
    vulnerable: people.some((p) => p.vulnerable),
  };
}

/** Splits an NDJSON body into validated events and the bad lines with their reasons (blank lines skipped). */
export function parseNdjson(
  body: string,
  now: Date,
  oldest: Date,
): { events: StagedEvent[]; rejected: RowProblem[] } {
  const events: StagedEvent[] = [];
  const rejected: RowProblem[] = [];
  const seen = new Set<string>();
  body.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new Error('not valid JSON');
      }
      const event = validateEvent(parsed, line, now, oldest);
      const key = `${event.kind}\u0000${event.eventId}\u0000${event.occurredAt}`;
      if (seen.has(key)) throw new Error('eventId repeats an earlier line of this batch');
      seen.add(key);
      events.push(event);
    } catch (error) {
      rejected.push({ line, reason: (error as Error).message });
    }
  });
  return { events, rejected };
}
