import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import pdfmake from 'pdfmake';
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { BUSINESS_TIME_ZONE } from '../../common/clock.js';
import { CaseEventKind } from './cases.enums.js';
import type { CaseView } from './dto/case.dto.js';
import type { TimelineEventView } from './dto/timeline.dto.js';
import type { LinkedReportBrief } from './linked-reports.port.js';

/** The protective marking on every page of a case file. */
export const CASE_FILE_MARKING = 'OFFICIAL-SENSITIVE';

/** Everything a case file shows: gathered by CaseFileService under the reader's access policy. */
export interface CaseFile {
  view: CaseView;
  timeline: TimelineEventView[];
  linkedReports: LinkedReportBrief[];
  /** Display names of the users the file mentions (recorders, assessors, investigator, supervisor). */
  userNames: ReadonlyMap<string, string>;
  readerName: string;
  generatedAt: Date;
}

// The Roboto fonts pdfmake ships (read from node_modules; nothing is fetched).
const FONT_DIR = join(
  dirname(createRequire(import.meta.url).resolve('pdfmake/package.json')),
  'fonts',
  'Roboto',
);
const FONTS = {
  Roboto: {
    normal: join(FONT_DIR, 'Roboto-Regular.ttf'),
    bold: join(FONT_DIR, 'Roboto-Medium.ttf'),
    italics: join(FONT_DIR, 'Roboto-Italic.ttf'),
    bolditalics: join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
  },
};
const FONT_FILES = new Set(Object.values(FONTS.Roboto));
pdfmake.setFonts(FONTS);
// No URL is ever fetched, and no local file but the fonts is read.
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => FONT_FILES.has(path));

const when = new Intl.DateTimeFormat('en-GB', {
  timeZone: BUSINESS_TIME_ZONE,
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant as London time, e.g. `07 Dec 2026, 17:02`. */
export const londonTime = (iso: string | Date): string =>
  when.format(typeof iso === 'string' ? new Date(iso) : iso);

/** A code as words: `under_investigation` → `under investigation`. */
const words = (code: string | null | undefined): string => (code ? code.replace(/[_-]/g, ' ') : '—');
const text = (v: string | null | undefined): string => (v === null || v === undefined || v === '' ? '—' : v);
const yesNo = (b: boolean | null | undefined): string =>
  b === null || b === undefined ? '—' : b ? 'yes' : 'no';

function heading(title: string): Content {
  return { text: title, style: 'h2', margin: [0, 14, 0, 6] };
}

/** Label/value rows as a two-column table. */
function facts(rows: [string, string][]): Content {
  return {
    table: {
      widths: [150, '*'],
      body: rows.map(([k, v]): TableCell[] => [{ text: k, bold: true }, { text: v }]),
    },
    layout: 'lightHorizontalLines',
  };
}

function table(headers: string[], rows: string[][], widths?: (string | number)[]): Content {
  if (rows.length === 0) return { text: 'None recorded.', italics: true };
  return {
    table: {
      headerRows: 1,
      widths: widths ?? headers.map(() => '*'),
      body: [headers.map((h): TableCell => ({ text: h, bold: true })), ...rows],
    },
    layout: 'lightHorizontalLines',
  };
}

/**
 * An event's details as lines `key: value` (arrays joined, objects as JSON), an id of a subject, user or
 * linked report shown by what `label` names it.
 */
function detailLines(details: Record<string, unknown>, label: (v: string) => string): string {
  const value = (v: unknown): string =>
    typeof v === 'string' ? label(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map(value).join(', ') : value(v)}`)
    .join('\n');
}

/** The document definition of a case file (pure: the same file gives the same layout). */
export function caseFileDefinition(file: CaseFile): TDocumentDefinitions {
  const c = file.view;
  const name = (id: string | null | undefined): string => (id ? (file.userNames.get(id) ?? id) : '—');
  const subjectName = new Map(c.subjects.map((s) => [s.workforceMemberId, `${s.name} (${s.staffNumber})`]));
  const subject = (id: string | null): string => (id ? (subjectName.get(id) ?? id) : 'all subjects');
  const footer = `${c.reference} · produced for ${file.readerName} · ${londonTime(file.generatedAt)} · ${CASE_FILE_MARKING}`;
  const labels = new Map<string, string>([
    ...file.userNames,
    ...subjectName,
    ...file.linkedReports.map((l): [string, string] => [l.id, l.reference]),
  ]);
  const label = (v: string): string => labels.get(v) ?? v;
  const r = c.referral;
  const notes = file.timeline.filter(
    (e) => e.kind === CaseEventKind.NoteAdded || e.kind === CaseEventKind.UpdateGiven,
  );

  const content: Content[] = [
    { text: `Case file ${c.reference}`, style: 'h1' },
    {
      text: 'Prepared for a misconduct panel or the IOPC. It holds what its reader may see of the case.',
      italics: true,
      margin: [0, 0, 0, 8],
    },
    heading('The case'),
    facts([
      ['Reference', c.reference],
      ['Case type', words(c.caseType)],
      ['Matter', words(c.matterType)],
      ['Status', words(c.status) + (c.suspensionReason ? ` (suspended: ${c.suspensionReason})` : '')],
      ['Primary category', words(c.primaryCategory)],
      ['Categories', c.categories.map(words).join(', ') || '—'],
      ['Breach type', words(c.breachType)],
      ['Current severity', words(c.severity)],
      ['Investigator', name(c.investigatorId)],
      ['Supervisor', name(c.supervisorId)],
      ['Recorded', `${londonTime(c.recordedAt)} (financial year ${c.recordedFinancialYear})`],
      ['Came to attention', `${c.cameToAttentionOn} (fixes the officers’ regime)`],
      ['Investigation started', c.investigationStartedAt ? londonTime(c.investigationStartedAt) : '—'],
      ['Finalised', c.finalisedAt ? londonTime(c.finalisedAt) : '—'],
      ['Next update due', c.timeliness.nextUpdateDue + (c.timeliness.updateOverdue ? ' (overdue)' : '')],
      ['12-month mark (PCC)', c.timeliness.pccReportDue + (c.timeliness.pastPccMark ? ' (passed)' : '')],
    ]),
    heading('Allegations'),
    { text: c.allegationSummary },
    heading('Subjects'),
    table(
      ['Name', 'Staff number', 'Member type', 'Regime', 'Severity'],
      c.subjects.map((s) => [s.name, s.staffNumber, words(s.memberType), words(s.regime), words(s.severity)]),
    ),
    heading('Referral to the IOPC'),
    facts([
      ['Referral required', yesNo(r.referralRequired)],
      ['Criteria met', r.criteriaMet.map(words).join(', ') || '—'],
      ['Referred on', r.referral ? r.referral.referredOn : '—'],
      ['Basis', words(r.referral?.basis)],
      ['Criteria', r.referral ? r.referral.criteria.map(words).join(', ') || '—' : '—'],
      ['Reason', text(r.referral?.reason)],
      ['IOPC reference', text(r.referral?.iopcReference)],
      ['IOPC decision', words(r.referral?.decision)],
      ['Decided on', text(r.referral?.decidedOn)],
      ['Recorded by', r.referral ? name(r.referral.recordedBy) : '—'],
      [
        'No referral made',
        r.noReferral
          ? `${r.noReferral.reason} (${name(r.noReferral.recordedBy)}, ${londonTime(r.noReferral.recordedAt)})`
          : '—',
      ],
    ]),
    heading('Severity history'),
    table(
      ['Assessed', 'Subject', 'Severity', 'By', 'Reason'],
      c.severityHistory.map((h) => [
        londonTime(h.assessedAt),
        subject(h.workforceMemberId),
        words(h.severity),
        name(h.assessedBy),
        text(h.reason),
      ]),
      [70, 90, 70, 70, '*'],
    ),
    heading('Outcomes'),
    ...(c.outcomes.length === 0
      ? [{ text: 'None recorded.', italics: true } as Content]
      : c.outcomes.map((o): Content => ({
          stack: [
            { text: subject(o.workforceMemberId), bold: true, margin: [0, 4, 0, 2] },
            facts([
              ['Regime', words(o.regime)],
              ['Severity at the time', words(o.severity)],
              ['Misconduct finding', words(o.misconductFinding)],
              ['Proceedings', words(o.proceedings)],
              ['Proceedings result', words(o.proceedingsResult)],
              ['Misconduct outcome', words(o.misconductOutcome)],
              ['Allegation result', words(o.allegationResult)],
              ['Criminal outcome', words(o.criminalOutcome)],
              [
                'Left the service',
                o.leftService ? `yes${o.leftServiceOn ? `, on ${o.leftServiceOn}` : ''}` : 'no',
              ],
              ['Would have been dismissed', yesNo(o.wouldHaveBeenDismissed)],
              ['Barred List', text(o.barredListOn)],
              ['Advisory List', text(o.advisoryListOn)],
              ['Proposed', `${name(o.recordedBy)}, ${londonTime(o.recordedAt)}`],
              [
                'Confirmed',
                o.confirmed
                  ? `${o.confirmedBy ? name(o.confirmedBy) : 'recorded as final'}${o.confirmedAt ? `, ${londonTime(o.confirmedAt)}` : ''}`
                  : 'not yet confirmed',
              ],
            ]),
          ],
        }))),
    heading('Notes and updates'),
    table(
      ['When', 'Kind', 'By', 'Text'],
      notes.map((e) => [
        londonTime(e.occurredAt),
        words(e.kind),
        text(e.actorName),
        [e.note, detailLines(e.details, label)].filter(Boolean).join('\n') || '—',
      ]),
      [80, 70, 80, '*'],
    ),
    heading('Linked intelligence reports'),
    table(
      ['Reference', 'Received', 'Category', 'State'],
      file.linkedReports.map((l) => [
        l.reference,
        londonTime(l.receivedAt),
        words(l.primaryCategory),
        words(l.state),
      ]),
    ),
    heading('Timeline'),
    table(
      ['When', 'Event', 'By', 'Details'],
      file.timeline.map((e) => [
        londonTime(e.occurredAt),
        words(e.kind),
        text(e.actorName),
        [detailLines(e.details, label), e.note].filter(Boolean).join('\n') || '—',
      ]),
      [80, 80, 80, '*'],
    ),
  ];

  return {
    info: { title: `Case file ${c.reference}`, subject: CASE_FILE_MARKING, creator: 'Lantern' },
    pageSize: 'A4',
    pageMargins: [40, 50, 40, 50],
    defaultStyle: { font: 'Roboto', fontSize: 9 },
    styles: {
      h1: { fontSize: 16, bold: true, margin: [0, 4, 0, 4] },
      h2: { fontSize: 12, bold: true },
    },
    header: { text: CASE_FILE_MARKING, alignment: 'center', fontSize: 8, bold: true, margin: [0, 20, 0, 0] },
    footer: (page: number, pages: number): Content => ({
      columns: [
        { text: footer, fontSize: 7 },
        { text: `page ${page} of ${pages}`, fontSize: 7, alignment: 'right', width: 70 },
      ],
      margin: [40, 15, 40, 0],
    }),
    content,
  };
}

/** The case file as PDF bytes. */
export function renderCaseFile(file: CaseFile): Promise<Buffer> {
  return pdfmake.createPdf(caseFileDefinition(file)).getBuffer();
}
