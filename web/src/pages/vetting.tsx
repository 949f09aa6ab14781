import { Button, Card, Grid, Group, Select, Table, Text, TextInput, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { ALERT_KINDS } from '../codes';
import {
  AnchorLink,
  day,
  options,
  PageTitle,
  ProblemAlert,
  QueryState,
  StateBadge,
  useDepartments,
} from '../ui';

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
  if (items.length === 0) return <Text c="dimmed">No alerts.</Text>;
  return (
    <Table striped data-testid="alerts">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Person</Table.Th>
          <Table.Th>Department</Table.Th>
          <Table.Th>Alert</Table.Th>
          <Table.Th>Level</Table.Th>
          <Table.Th>Due</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Action</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((a) => (
          <Table.Tr key={a.id}>
            <Table.Td>
              <AnchorLink to="/people/$id" params={{ id: a.workforceMember.id }}>
                {a.workforceMember.givenName} {a.workforceMember.familyName}
              </AnchorLink>{' '}
              <Text span size="xs" c="dimmed">
                {a.workforceMember.staffNumber}
              </Text>
            </Table.Td>
            <Table.Td>{a.workforceMember.departmentName ?? 'No department'}</Table.Td>
            <Table.Td>
              <StateBadge state={a.kind} />
            </Table.Td>
            <Table.Td>{a.level ?? '—'}</Table.Td>
            <Table.Td>{day(a.dueOn)}</Table.Td>
            <Table.Td>
              <StateBadge state={a.status} />
            </Table.Td>
            <Table.Td>
              <AlertActions alert={a} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function VettingPage() {
  const departments = useDepartments();
  const [department, setDepartment] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>('open');
  const query = {
    limit: 100,
    departmentId: department ?? undefined,
    kind: (kind ?? undefined) as Schemas['AlertKind'] | undefined,
    status: (status ?? undefined) as Schemas['AlertStatus'] | undefined,
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
          <Card withBorder h="100%">
            <Title order={2} size="h4">
              Compliance now
            </Title>
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
                  Overdue {c.byState.overdue} · renewal due {c.byState.renewal_due} · below required{' '}
                  {c.byState.below_required} · no clearance {c.byState.no_clearance}
                </Text>
                <Text size="sm">
                  Due within 30 / 60 / 90 days: {c.dueWithin.days30} / {c.dueWithin.days60} /{' '}
                  {c.dueWithin.days90}
                </Text>
              </>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              Compliance by department
            </Title>
            {c && (
              <BarChart
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
          </Card>
        </Grid.Col>
      </Grid>
      <Title order={2} size="h3" mb="sm">
        Alerts
      </Title>
      <Group mb="md" align="end">
        <Select
          label="Department"
          data={departments.list.map((d) => ({ value: d.id, label: d.name }))}
          value={department}
          onChange={setDepartment}
          clearable
          searchable
          w={260}
        />
        <Select label="Kind" data={options(ALERT_KINDS)} value={kind} onChange={setKind} clearable w={200} />
        <Select
          label="Status"
          data={options(['open', 'acknowledged', 'resolved'])}
          value={status}
          onChange={setStatus}
          clearable
          w={180}
        />
      </Group>
      <ProblemAlert error={alerts.error} />
      {alerts.isPending ? (
        <QueryState query={alerts} what="Loading alerts" />
      ) : (
        alerts.data && <AlertsTable items={alerts.data.items} />
      )}
    </>
  );
}
