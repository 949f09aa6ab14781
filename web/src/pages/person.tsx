import { Button, Grid, Group, Select, Stack } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { api, type Schemas, unwrap } from '../api/client';
import { LEVELS } from '../codes';
import { hasRole, useMe } from '../session';
import {
  AnchorLink,
  day,
  label,
  PageTitle,
  ProblemAlert,
  QueryState,
  showOn,
  StateBadge,
  today,
  useDepartments,
} from '../ui';
import { CasesTable, ReportsTable } from '../components/lists';
import { Fact, Facts, Section } from '../components/section';
import { DataTable } from '../components/table';
import { AlertsTable } from './vetting';

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
    onError: showOn(form),
  });
  return (
    <form onSubmit={form.onSubmit((v) => record.mutate(v))}>
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
      <Section>
        <Facts>
          <Fact label="Staff number">{m.staffNumber}</Fact>
          <Fact label="Rank or grade">{m.rankOrGrade ?? '—'}</Fact>
          <Fact label="Type">{label(m.memberType)}</Fact>
          <Fact label="Department">{departments.name(m.departmentId)}</Fact>
          <Fact label="Post requires">{m.vetting.requiredLevel ?? '—'}</Fact>
          <Fact label="Holds">
            {`${m.vetting.clearanceLevel ?? 'None'} ${m.vetting.expiresOn ? `until ${day(m.vetting.expiresOn)}` : ''}`}
          </Fact>
        </Facts>
      </Section>
      <Section title="Record a clearance or renewal">
        <RecordClearance member={m} />
      </Section>
      <Section title="Clearances">
        <QueryState query={clearances} />
        {clearances.data && (
          <DataTable
            rows={clearances.data.items}
            rowKey={(c) => c.id}
            empty="No clearances recorded."
            columns={[
              { header: 'Level', cell: (c) => c.level },
              { header: 'Granted', cell: (c) => day(c.grantedOn) },
              { header: 'Expires', cell: (c) => day(c.expiresOn) },
              { header: 'Status', cell: (c) => label(c.status) },
            ]}
          />
        )}
      </Section>
      <Section title="Alerts">
        <QueryState query={alerts} />
        {alerts.data && <AlertsTable items={alerts.data.items} />}
      </Section>
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
      <Section title="Intelligence about this person">
        <ReportsTable items={p.intelligence} empty="No intelligence." />
      </Section>
      <Section title="Cases">
        <CasesTable items={p.cases} empty="No cases." />
      </Section>
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
