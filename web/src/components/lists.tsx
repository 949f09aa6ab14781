import { Badge } from '@mantine/core';
import type { Schemas } from '../api/client';
import { AnchorLink, day, label, Overdue, StateBadge } from '../ui';
import { type Column, DataTable } from './table';

const subjectNames = (subjects: { givenName: string; familyName: string }[]): string =>
  subjects.map((s) => `${s.givenName} ${s.familyName}`).join(', ') || '—';

export const grading = (g: {
  sourceEvaluation: string;
  intelligenceAssessment: string;
  handlingCode: string;
}): string => `${g.sourceEvaluation}${g.intelligenceAssessment}${g.handlingCode}`;

/** A name the API answered beside an id: the name, "Unknown user" when the id names nobody known, else `none`. */
export const nameOr = (name: string | null | undefined, id: string | null | undefined, none = '—'): string =>
  name ?? (id ? 'Unknown user' : none);

/** The columns every list of reports shows (a list adds its own around them). */
export const reportColumns = {
  reference: {
    header: 'Reference',
    cell: (r) => (
      <>
        <AnchorLink to="/intelligence/$id" params={{ id: r.id }}>
          {r.reference}
        </AnchorLink>
        {r.vulnerablePerson && (
          <Badge ml="xs" color="red.9" variant="outline" size="sm">
            Vulnerable person
          </Badge>
        )}
      </>
    ),
  },
  category: { header: 'Category', cell: (r) => label(r.primaryCategory) },
  subjects: { header: 'Subjects', cell: (r) => subjectNames(r.subjects) },
  state: { header: 'State', cell: (r) => <StateBadge state={r.state} /> },
  due: { header: 'Due', cell: (r) => <Overdue overdue={r.overdue} due={r.dueDate} /> },
} satisfies Record<string, Column<Schemas['QueueItem']>>;

/** Reports: reference, category, subjects, state, (assignee), due. */
export function ReportsTable({
  items,
  empty,
  showAssignee = false,
}: {
  items: Schemas['QueueItem'][];
  empty: string;
  showAssignee?: boolean;
}) {
  const c = reportColumns;
  return (
    <DataTable
      rows={items}
      rowKey={(r) => r.id}
      empty={empty}
      columns={[
        c.reference,
        c.category,
        c.subjects,
        c.state,
        { header: 'Assigned to', cell: (r) => nameOr(r.assigneeName, r.assigneeId), hidden: !showAssignee },
        c.due,
      ]}
    />
  );
}

/** Cases: reference, category, status, investigator, next update, the 12-month mark, IOPC. */
export function CasesTable({ items, empty }: { items: Schemas['CaseSummaryView'][]; empty: string }) {
  return (
    <DataTable
      rows={items}
      rowKey={(c) => c.id}
      empty={empty}
      columns={[
        {
          header: 'Reference',
          cell: (c) => (
            <AnchorLink to="/cases/$id" params={{ id: c.id }}>
              {c.reference}
            </AnchorLink>
          ),
        },
        { header: 'Category', cell: (c) => label(c.primaryCategory) },
        { header: 'Status', cell: (c) => <StateBadge state={c.status} /> },
        { header: 'Investigator', cell: (c) => nameOr(c.investigatorName, c.investigatorId) },
        {
          header: 'Next update due',
          cell: (c) => <Overdue overdue={c.timeliness.updateOverdue} due={c.timeliness.nextUpdateDue} />,
        },
        {
          header: '12-month mark',
          cell: (c) =>
            c.timeliness.pastPccMark ? (
              <Badge color="orange" variant="dot">
                Past · {day(c.timeliness.pccReportDue)}
              </Badge>
            ) : (
              day(c.timeliness.pccReportDue)
            ),
        },
        {
          header: 'IOPC',
          cell: (c) =>
            c.iopcDecision ? (
              label(c.iopcDecision)
            ) : c.referralRequired ? (
              <Badge color="grape.9">Referral required</Badge>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}
