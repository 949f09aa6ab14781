import { Button, Card, Grid, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { LEVELS } from '../codes';
import { hasRole, useMe } from '../session';
import {
  AnchorLink,
  day,
  label,
  PageTitle,
  ProblemAlert,
  QueryState,
  StateBadge,
  today,
  useDepartments,
} from '../ui';
import { AlertsTable } from './vetting';
import { CasesTable, ReportsTable } from './my-work';

function RecordClearance({ member }: { member: Schemas['MemberView'] }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: {
      level: member.vetting.requiredLevel ?? 'NPPV2',
      grantedOn: today(),
    },
  });
  const record = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(
        api.POST('/api/v1/workforce/{workforceMemberId}/clearances', {
          params: { path: { workforceMemberId: member.id } },
          body: {
            level: v.level,
            grantedOn: (v.grantedOn ?? today()).slice(0, 10),
          },
        }),
      ),
    onSuccess: () => {
      notifications.show({ message: 'Clearance recorded', color: 'green' });
      void queryClient.invalidateQueries();
    },
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
  });
  return (
    <form onSubmit={form.onSubmit((v) => record.mutate(v))}>
      <Title order={2} size="h4" mb="xs">
        Record a clearance or renewal
      </Title>
      <ProblemAlert error={record.error} />
      <Group align="end">
        <Select label="Level" data={LEVELS} allowDeselect={false} {...form.getInputProps('level')} w={140} />
        <DateInput label="Granted on" valueFormat="D MMM YYYY" {...form.getInputProps('grantedOn')} w={180} />
        <Button type="submit" loading={record.isPending}>
          Record clearance
        </Button>
      </Group>
    </form>
  );
}

function VettingPanel({ id }: { id: string }) {
  const departments = useDepartments();
  const member = useQuery({
    queryKey: ['member', id],
    queryFn: () => unwrap(api.GET('/api/v1/workforce/{id}', { params: { path: { id } } })),
  });
  const clearances = useQuery({
    queryKey: ['member', id, 'clearances'],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/workforce/{workforceMemberId}/clearances', {
          params: { path: { workforceMemberId: id }, query: { limit: 50 } },
        }),
      ),
  });
  const alerts = useQuery({
    queryKey: ['alerts', 'member', id],
    queryFn: () =>
      unwrap(api.GET('/api/v1/vetting/alerts', { params: { query: { workforceMemberId: id, limit: 50 } } })),
  });
  if (!member.data) return <QueryState query={member} what="Loading the person" />;
  const m = member.data;
  return (
    <Stack>
      <PageTitle right={<StateBadge state={m.vetting.state} />}>
        {m.givenName} {m.familyName}
      </PageTitle>
      <Card withBorder>
        <Group gap="xl">
          <div>
            <Text size="xs" c="dimmed">
              Staff number
            </Text>
            <Text>{m.staffNumber}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Rank or grade
            </Text>
            <Text>{m.rankOrGrade ?? '—'}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Type
            </Text>
            <Text>{label(m.memberType)}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Department
            </Text>
            <Text>{departments.name(m.departmentId)}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Post requires
            </Text>
            <Text>{m.vetting.requiredLevel ?? '—'}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Holds
            </Text>
            <Text>
              {m.vetting.clearanceLevel ?? 'None'}{' '}
              {m.vetting.expiresOn ? `until ${day(m.vetting.expiresOn)}` : ''}
            </Text>
          </div>
        </Group>
      </Card>
      <Card withBorder>
        <RecordClearance member={m} />
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          Clearances
        </Title>
        <QueryState query={clearances} />
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Level</Table.Th>
              <Table.Th>Granted</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {clearances.data?.items.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>{c.level}</Table.Td>
                <Table.Td>{day(c.grantedOn)}</Table.Td>
                <Table.Td>{day(c.expiresOn)}</Table.Td>
                <Table.Td>{label(c.status)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          Alerts
        </Title>
        <QueryState query={alerts} />
        {alerts.data && <AlertsTable items={alerts.data.items} />}
      </Card>
    </Stack>
  );
}

function ProfilePanel({ id }: { id: string }) {
  const profile = useQuery({
    queryKey: ['profile', id],
    queryFn: () => unwrap(api.GET('/api/v1/workforce/{id}/profile', { params: { path: { id } } })),
  });
  if (!profile.data) return <QueryState query={profile} what="Loading the subject profile" />;
  const p = profile.data;
  return (
    <Stack>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          Intelligence about this person
        </Title>
        <ReportsTable items={p.intelligence} empty="No intelligence." />
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          Cases
        </Title>
        <CasesTable items={p.cases} empty="No cases." />
      </Card>
    </Stack>
  );
}

export function PersonPage() {
  const { id } = useParams({ from: '/people/$id' });
  const me = useMe();
  return (
    <Grid>
      <Grid.Col span={12}>
        {hasRole(me, 'vetting_officer', 'supervisor', 'admin') && <VettingPanel id={id} />}
      </Grid.Col>
      {hasRole(me, 'supervisor') && (
        <Grid.Col span={12}>
          <ProfilePanel id={id} />
        </Grid.Col>
      )}
      <Grid.Col span={12}>
        <AnchorLink to="/people">Find another person</AnchorLink>
      </Grid.Col>
    </Grid>
  );
}
