import { Badge, Card, Checkbox, Grid, Group, NativeSelect, Select, Table, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { CATEGORIES, OPEN_STATES } from '../codes';
import {
  AnchorLink,
  label,
  options,
  Overdue,
  PageTitle,
  ProblemAlert,
  QueryState,
  StateBadge,
  useAnalysts,
} from '../ui';

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

export function QueuePage() {
  const [state, setState] = useState<string | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [unassigned, setUnassigned] = useState(false);
  const [overdue, setOverdue] = useState(false);
  const [vulnerable, setVulnerable] = useState(false);
  const query = {
    limit: 50,
    state: state ? [state as Schemas['OpenIntelligenceState']] : undefined,
    category: (category ?? undefined) as Schemas['CorruptionCategory'] | undefined,
    unassigned: unassigned || undefined,
    overdue: overdue || undefined,
    vulnerablePerson: vulnerable || undefined,
  };
  const queue = useQuery({
    queryKey: ['queue', query],
    queryFn: () => unwrap(api.GET('/api/v1/intelligence/queue', { params: { query } })),
  });
  const summary = useQuery({
    queryKey: ['queue', 'summary'],
    queryFn: () => unwrap(api.GET('/api/v1/intelligence/queue/summary', {})),
  });
  const s = summary.data;
  return (
    <>
      <PageTitle>Assessment queue</PageTitle>
      <Grid mb="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card withBorder h="100%">
            <Title order={2} size="h4">
              Queue at a glance
            </Title>
            <QueryState query={summary} />
            {s && (
              <Group mt="sm" gap="xl">
                <div>
                  <Text size="xs" c="dimmed">
                    Open
                  </Text>
                  <Text fw={700} size="xl">
                    {s.open}
                  </Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Overdue
                  </Text>
                  <Text fw={700} size="xl" c={s.overdue ? 'red.9' : undefined}>
                    {s.overdue}
                  </Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Unassigned
                  </Text>
                  <Text fw={700} size="xl">
                    {s.unassigned}
                  </Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Oldest
                  </Text>
                  <Text fw={700} size="xl">
                    {s.oldestAgeDays ?? 0} days
                  </Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Target
                  </Text>
                  <Text fw={700} size="xl">
                    {s.assessmentTargetDays} days
                  </Text>
                </div>
              </Group>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              Load per analyst
            </Title>
            {s && (
              <BarChart
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
          </Card>
        </Grid.Col>
      </Grid>
      <Group mb="md" align="end">
        <Select
          label="State"
          data={options(OPEN_STATES)}
          value={state}
          onChange={setState}
          clearable
          w={200}
        />
        <Select
          label="Category"
          data={options(CATEGORIES)}
          value={category}
          onChange={setCategory}
          clearable
          w={260}
        />
        <Checkbox
          label="Unassigned"
          checked={unassigned}
          onChange={(e) => setUnassigned(e.currentTarget.checked)}
        />
        <Checkbox label="Overdue" checked={overdue} onChange={(e) => setOverdue(e.currentTarget.checked)} />
        <Checkbox
          label="Vulnerable person"
          checked={vulnerable}
          onChange={(e) => setVulnerable(e.currentTarget.checked)}
        />
      </Group>
      <ProblemAlert error={queue.error} />
      <QueryState query={queue} what="Loading the queue" />
      {queue.data && (
        <Table striped highlightOnHover data-testid="queue">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Reference</Table.Th>
              <Table.Th>Category</Table.Th>
              <Table.Th>Grading</Table.Th>
              <Table.Th>Subjects</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Age</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Assignee</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {queue.data.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={8}>
                  <Text c="dimmed">Nothing in the queue matches.</Text>
                </Table.Td>
              </Table.Tr>
            )}
            {queue.data.items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <AnchorLink to="/intelligence/$id" params={{ id: r.id }}>
                    {r.reference}
                  </AnchorLink>
                  {r.urgencyRank === 0 && (
                    <Badge ml="xs" color="red.9" size="sm">
                      {r.vulnerablePerson ? 'Vulnerable person' : 'APSP'}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{label(r.primaryCategory)}</Table.Td>
                <Table.Td>
                  {r.grading.sourceEvaluation}
                  {r.grading.intelligenceAssessment}
                  {r.grading.handlingCode}
                </Table.Td>
                <Table.Td>
                  {r.subjects.map((x) => `${x.givenName} ${x.familyName}`).join(', ') || '—'}
                </Table.Td>
                <Table.Td>
                  <StateBadge state={r.state} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{r.ageDays} d</Table.Td>
                <Table.Td>
                  <Overdue overdue={r.overdue} due={r.dueDate} />
                </Table.Td>
                <Table.Td>
                  <AssignInPlace item={r} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
