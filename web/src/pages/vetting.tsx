import { Button, Grid, Group, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { ALERT_KINDS } from '../codes';
import { chosen, FilterBar, FilterSelect, useFilters } from '../components/filters';
import { SideBarChart } from '../components/charts';
import { Section } from '../components/section';
import { DataTable } from '../components/table';
import { AnchorLink, day, PageTitle, QueryState, StateBadge, useDepartments } from '../ui';

function AlertActions({ alert }: { alert: Schemas['AlertView'] }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const done = (what: string) => () => {
    notifications.show({ message: what, color: 'green' });
    void queryClient.invalidateQueries({ queryKey: ['alerts'] });
  };
  const path = { params: { path: { id: alert.id } } };
  const acknowledge = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/vetting/alerts/{id}/acknowledge', { ...path, body: { version: alert.version } }),
      ),
    onSuccess: done('Alert acknowledged'),
  });
  const resolve = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/vetting/alerts/{id}/resolve', {
          ...path,
          body: { reason, version: alert.version },
        }),
      ),
    onSuccess: done('Alert resolved'),
  });
  const who = `${alert.workforceMember.givenName} ${alert.workforceMember.familyName}`;
  if (alert.status === 'resolved') return <Text size="sm">{alert.resolutionReason}</Text>;
  return (
    <Group gap="xs" wrap="nowrap">
      {alert.status === 'open' && (
        <Button
          size="xs"
          variant="light"
          onClick={() => acknowledge.mutate()}
          loading={acknowledge.isPending}
          aria-label={`Acknowledge the alert for ${who}`}
        >
          Acknowledge
        </Button>
      )}
      <TextInput
        size="xs"
        placeholder="Resolution reason"
        aria-label={`Resolution reason for ${who}`}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
      />
      <Button
        size="xs"
        onClick={() => resolve.mutate()}
        disabled={!reason.trim()}
        loading={resolve.isPending}
        aria-label={`Resolve the alert for ${who}`}
      >
        Resolve
      </Button>
      {(acknowledge.error ?? resolve.error) && (
        <Text c="red" size="xs">
          {(acknowledge.error ?? resolve.error)?.message}
        </Text>
      )}
    </Group>
  );
}

export function AlertsTable({ items }: { items: Schemas['AlertView'][] }) {
  return (
    <DataTable
      testId="alerts"
      rows={items}
      rowKey={(a) => a.id}
      empty="No alerts."
      highlightOnHover={false}
      columns={[
        {
          header: 'Person',
          cell: (a) => (
            <>
              <AnchorLink to="/people/$id" params={{ id: a.workforceMember.id }}>
                {a.workforceMember.givenName} {a.workforceMember.familyName}
              </AnchorLink>{' '}
              <Text span size="xs" c="dimmed">
                {a.workforceMember.staffNumber}
              </Text>
            </>
          ),
        },
        { header: 'Department', cell: (a) => a.workforceMember.departmentName ?? 'No department' },
        { header: 'Alert', cell: (a) => <StateBadge state={a.kind} /> },
        { header: 'Level', cell: (a) => a.level ?? '—' },
        { header: 'Due', cell: (a) => day(a.dueOn) },
        { header: 'Status', cell: (a) => <StateBadge state={a.status} /> },
        { header: 'Action', cell: (a) => <AlertActions alert={a} /> },
      ]}
    />
  );
}

export function VettingPage() {
  const departments = useDepartments();
  const f = useFilters({
    department: null as string | null,
    kind: null as string | null,
    status: 'open',
  });
  const v = f.values;
  const query = {
    limit: 100,
    departmentId: v.department ?? undefined,
    kind: chosen<Schemas['AlertKind']>(v.kind),
    status: chosen<Schemas['AlertStatus']>(v.status),
  };
  const alerts = useQuery({
    queryKey: ['alerts', query],
    queryFn: () => unwrap(api.GET('/api/v1/vetting/alerts', { params: { query } })),
  });
  const compliance = useQuery({
    queryKey: ['compliance'],
    queryFn: () => unwrap(api.GET('/api/v1/vetting/compliance', {})),
  });
  const c = compliance.data;
  return (
    <>
      <PageTitle>Vetting</PageTitle>
      <Grid mb="md">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Section title="Compliance now" h="100%">
            <QueryState query={compliance} />
            {c && (
              <>
                <Text fw={700} fz={40} c={c.share < 0.9 ? 'orange.9' : 'green.9'}>
                  {(c.share * 100).toFixed(1)}%
                </Text>
                <Text size="sm">
                  {c.upToDate} of {c.total} people up to date (as of {day(c.asOf)})
                </Text>
                <Text size="sm">
                  Overdue {c.byState.overdue} · renewal due {c.byState.renewalDue} · below required{' '}
                  {c.byState.belowRequired} · no clearance {c.byState.noClearance}
                </Text>
                <Text size="sm">
                  Due within 30 / 60 / 90 days: {c.dueWithin.days30} / {c.dueWithin.days60} /{' '}
                  {c.dueWithin.days90}
                </Text>
              </>
            )}
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Section title="Compliance by department">
            {c && (
              <SideBarChart
                h={220}
                data={c.byDepartment.map((d) => ({
                  department: d.label ?? departments.name(d.key),
                  'Up to date': d.upToDate,
                  'Not up to date': d.total - d.upToDate,
                }))}
                dataKey="department"
                type="stacked"
                withLegend
                series={[
                  { name: 'Up to date', color: 'green.6' },
                  { name: 'Not up to date', color: 'orange.6' },
                ]}
                aria-label="People up to date and not, per department"
              />
            )}
          </Section>
        </Grid.Col>
      </Grid>
      <Title order={2} size="h3" mb="sm">
        Alerts
      </Title>
      <FilterBar>
        <FilterSelect
          label="Department"
          data={departments.list.map((d) => ({ value: d.id, label: d.name }))}
          searchable
          w={260}
          {...f.select('department')}
        />
        <FilterSelect label="Kind" codes={ALERT_KINDS} {...f.select('kind')} />
        <FilterSelect
          label="Status"
          codes={['open', 'acknowledged', 'resolved']}
          w={180}
          {...f.select('status')}
        />
      </FilterBar>
      <QueryState query={alerts} what="Loading alerts" />
      {alerts.data && <AlertsTable items={alerts.data.items} />}
    </>
  );
}
