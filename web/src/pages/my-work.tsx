import { Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { CasesTable, ReportsTable } from '../components/lists';
import { Section } from '../components/section';
import { hasRole, useMe } from '../session';
import { AnchorLink, day, PageTitle, QueryState, StateBadge } from '../ui';

const byUrgency = <T extends { overdue: boolean; dueDate: string | null }>(items: T[]): T[] =>
  [...items].sort(
    (a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueDate ?? '').localeCompare(b.dueDate ?? ''),
  );

function AnalystWork() {
  const reports = useQuery({
    queryKey: ['queue', 'mine'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/intelligence/queue', { params: { query: { assignee: 'me', limit: 100 } } })),
  });
  const cases = useQuery({
    queryKey: ['cases', 'mine'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/cases', { params: { query: { investigator: 'me', limit: 100 } } })),
  });
  return (
    <>
      <Section title="My assigned reports">
        <QueryState query={reports} what="Loading your reports" />
        {reports.data && (
          <ReportsTable items={byUrgency(reports.data.items)} empty="No reports assigned to you." />
        )}
      </Section>
      <Section title="My cases">
        <QueryState query={cases} what="Loading your cases" />
        {cases.data && (
          <CasesTable
            items={cases.data.items.filter((c) => c.status !== 'closed')}
            empty="No open cases where you are the investigator."
          />
        )}
      </Section>
    </>
  );
}

function SupervisorWork() {
  const review = useQuery({
    queryKey: ['queue', 'awaiting_review'],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/intelligence/queue', {
          params: { query: { state: ['awaiting_review'], limit: 50 } },
        }),
      ),
  });
  const cases = useQuery({
    queryKey: ['cases', 'awaiting_outcome'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/cases', { params: { query: { status: 'awaiting_outcome', limit: 50 } } })),
  });
  const overdue = useQuery({
    queryKey: ['cases', 'overdue'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/cases', { params: { query: { overdueUpdate: true, limit: 50 } } })),
  });
  return (
    <>
      <Section title="Reports awaiting your review">
        <QueryState query={review} />
        {review.data && <ReportsTable items={review.data.items} empty="Nothing awaits review." />}
      </Section>
      <Section title="Cases awaiting an outcome decision">
        <QueryState query={cases} />
        {cases.data && <CasesTable items={cases.data.items} empty="No case awaits an outcome." />}
      </Section>
      <Section title="Cases with an update overdue">
        <QueryState query={overdue} />
        {overdue.data && <CasesTable items={overdue.data.items} empty="No update is overdue." />}
      </Section>
    </>
  );
}

function VettingWork() {
  const alerts = useQuery({
    queryKey: ['alerts', 'open'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/vetting/alerts', { params: { query: { status: 'open', limit: 20 } } })),
  });
  return (
    <Section title="Open vetting alerts">
      <QueryState query={alerts} />
      {alerts.data && (
        <Stack gap="xs">
          {alerts.data.items.length === 0 && <Text c="dimmed">No open alerts.</Text>}
          {alerts.data.items.map((a) => (
            <Group key={a.id} justify="space-between">
              <Text size="sm">
                {a.workforceMember.givenName} {a.workforceMember.familyName} ({a.workforceMember.staffNumber})
              </Text>
              <Group gap="xs">
                <StateBadge state={a.kind} />
                <Text size="sm">
                  {a.level} · due {day(a.dueOn)}
                </Text>
              </Group>
            </Group>
          ))}
          <AnchorLink to="/vetting">All alerts</AnchorLink>
        </Stack>
      )}
    </Section>
  );
}

export function MyWorkPage() {
  const me = useMe();
  return (
    <>
      <PageTitle>My work</PageTitle>
      <SimpleGrid cols={1} spacing="lg">
        {hasRole(me, 'analyst') && <AnalystWork />}
        {hasRole(me, 'supervisor') && <SupervisorWork />}
        {hasRole(me, 'vetting_officer') && <VettingWork />}
        {hasRole(me, 'auditor') && (
          <Section title="Audit">
            <AnchorLink to="/audit">Who accessed what, and the chain's verification</AnchorLink>
          </Section>
        )}
        {hasRole(me, 'admin') && (
          <Section title="Administration">
            <AnchorLink to="/users">Users and roles</AnchorLink>
          </Section>
        )}
      </SimpleGrid>
    </>
  );
}
