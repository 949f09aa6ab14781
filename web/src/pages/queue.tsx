import { Badge, Grid, Group, NativeSelect } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../api/client';
import { CATEGORIES, OPEN_STATES } from '../codes';
import { chosen, FilterBar, FilterCheck, FilterSelect, ticked, useFilters } from '../components/filters';
import { grading, reportColumns } from '../components/lists';
import { SideBarChart } from '../components/charts';
import { Section, Stat } from '../components/section';
import { DataTable } from '../components/table';
import { AnchorLink, PageTitle, QueryState, useAnalysts } from '../ui';

function AssignInPlace({ item }: { item: Schemas['QueueItem'] }) {
  const analysts = useAnalysts();
  const queryClient = useQueryClient();
  const assign = useMutation({
    mutationFn: (assigneeId: string) =>
      unwrap(
        api.POST('/api/v1/intelligence/{id}/assign', {
          params: { path: { id: item.id } },
          body: { assigneeId },
        }),
      ),
    onSuccess: (r) => {
      notifications.show({ message: `${r.reference} assigned`, color: 'green' });
      void queryClient.invalidateQueries({ queryKey: ['queue'] });
    },
    onError: (e) => notifications.show({ title: 'Not assigned', message: e.message, color: 'red' }),
  });
  const assignable = ['received', 'in_assessment', 'development'].includes(item.state);
  return (
    // A native select: a hundred rows of it render at once, cheaply, and it works by keyboard as any select.
    <NativeSelect
      aria-label={`Assignee of ${item.reference}`}
      size="xs"
      w={180}
      data={[{ value: '', label: 'Unassigned', disabled: true }, ...analysts]}
      value={item.assigneeId ?? ''}
      disabled={!assignable || assign.isPending}
      onChange={(e) =>
        e.currentTarget.value &&
        e.currentTarget.value !== item.assigneeId &&
        assign.mutate(e.currentTarget.value)
      }
    />
  );
}

function QueueSummary() {
  const summary = useQuery({
    queryKey: ['queue', 'summary'],
    queryFn: () => unwrap(api.GET('/api/v1/intelligence/queue/summary', {})),
  });
  const s = summary.data;
  return (
    <Grid mb="md">
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <Section title="Queue at a glance" h="100%">
          <QueryState query={summary} />
          {s && (
            <Group mt="sm" gap="xl">
              <Stat label="Open" value={s.open} />
              <Stat label="Overdue" value={s.overdue} colour={s.overdue ? 'red.9' : undefined} />
              <Stat label="Unassigned" value={s.unassigned} />
              <Stat label="Oldest" value={`${s.oldestAgeDays ?? 0} days`} />
              <Stat label="Target" value={`${s.assessmentTargetDays} days`} />
            </Group>
          )}
        </Section>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Section title="Load per analyst">
          {s && (
            <SideBarChart
              h={180}
              data={s.perAnalyst.map((a) => ({
                analyst: a.displayName,
                Open: a.open - a.overdue,
                Overdue: a.overdue,
              }))}
              dataKey="analyst"
              type="stacked"
              series={[
                { name: 'Open', color: 'lantern.5' },
                { name: 'Overdue', color: 'red.6' },
              ]}
              withLegend
              aria-label="Open and overdue reports per analyst"
            />
          )}
        </Section>
      </Grid.Col>
    </Grid>
  );
}

export function QueuePage() {
  const f = useFilters({
    state: null as string | null,
    category: null as string | null,
    unassigned: false,
    overdue: false,
    vulnerable: false,
  });
  const v = f.values;
  const query = {
    limit: 50,
    state: v.state ? [v.state as Schemas['OpenIntelligenceState']] : undefined,
    category: chosen<Schemas['CorruptionCategory']>(v.category),
    unassigned: ticked(v.unassigned),
    overdue: ticked(v.overdue),
    vulnerablePerson: ticked(v.vulnerable),
  };
  const queue = useQuery({
    queryKey: ['queue', query],
    queryFn: () => unwrap(api.GET('/api/v1/intelligence/queue', { params: { query } })),
  });
  const c = reportColumns;
  return (
    <>
      <PageTitle>Assessment queue</PageTitle>
      <QueueSummary />
      <FilterBar>
        <FilterSelect label="State" codes={OPEN_STATES} {...f.select('state')} />
        <FilterSelect label="Category" codes={CATEGORIES} w={260} {...f.select('category')} />
        <FilterCheck label="Unassigned" {...f.check('unassigned')} />
        <FilterCheck label="Overdue" {...f.check('overdue')} />
        <FilterCheck label="Vulnerable person" {...f.check('vulnerable')} />
      </FilterBar>
      <QueryState query={queue} what="Loading the queue" />
      {queue.data && (
        <DataTable
          testId="queue"
          rows={queue.data.items}
          rowKey={(r) => r.id}
          empty="Nothing in the queue matches."
          columns={[
            {
              header: 'Reference',
              cell: (r) => (
                <>
                  <AnchorLink to="/intelligence/$id" params={{ id: r.id }}>
                    {r.reference}
                  </AnchorLink>
                  {r.urgencyRank === 0 && (
                    <Badge ml="xs" color="red.9" size="sm">
                      {r.vulnerablePerson ? 'Vulnerable person' : 'APSP'}
                    </Badge>
                  )}
                </>
              ),
            },
            c.category,
            { header: 'Grading', cell: (r) => grading(r.grading) },
            c.subjects,
            c.state,
            { header: 'Age', cell: (r) => `${r.ageDays} d`, nowrap: true },
            c.due,
            { header: 'Assignee', cell: (r) => <AssignInPlace item={r} /> },
          ]}
        />
      )}
    </>
  );
}
