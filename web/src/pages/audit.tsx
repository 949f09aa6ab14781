import { Badge, Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, downloadCsv, type Schemas, unwrap } from '../api/client';
import { nameOr } from '../components/lists';
import { Section } from '../components/section';
import { DataTable } from '../components/table';
import { dateTime, label, PageTitle, PersonPicker, personName, ProblemAlert, QueryState } from '../ui';

type Filter = { workforceMemberId?: string; resourceId?: string; userId?: string; what: string };

/** Pick a user by name (the directory's names only: finding an actor, not reading their account). */
function ActorPicker({ onPick }: { onPick: (user: { id: string; name: string }) => void }) {
  const users = useQuery({
    queryKey: ['directory', 'users'],
    queryFn: () => unwrap(api.GET('/api/v1/directory/users', {})),
    staleTime: 300_000,
  });
  const data = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.displayName }));
  return (
    <Select
      label="What a user did"
      placeholder="Type a name"
      searchable
      clearable
      w={260}
      data={data}
      nothingFoundMessage={users.isFetching ? 'Loading…' : 'Nobody found'}
      onChange={(id) => {
        const user = data.find((u) => u.value === id);
        if (user) onPick({ id: user.value, name: user.label });
      }}
    />
  );
}

export function AuditPage() {
  const [filter, setFilter] = useState<Filter | null>(null);
  const [reference, setReference] = useState('');
  const [csvError, setCsvError] = useState<unknown>(null);
  const verify = useQuery({
    queryKey: ['audit', 'verify'],
    queryFn: () => unwrap(api.GET('/api/v1/audit/verify', {})),
  });
  const lookup = useMutation({
    mutationFn: (ref: string) =>
      unwrap(
        api.GET('/api/v1/directory/references/{reference}', { params: { path: { reference: ref.trim() } } }),
      ),
    onSuccess: (r) => setFilter({ resourceId: r.id, what: `${label(r.kind)} ${r.reference}` }),
  });
  const query = {
    limit: 200,
    workforceMemberId: filter?.workforceMemberId,
    resourceId: filter?.resourceId,
    userId: filter?.userId,
  };
  const events = useQuery({
    queryKey: ['audit', 'events', query],
    queryFn: () => unwrap(api.GET('/api/v1/audit/events', { params: { query } })),
    enabled: filter !== null,
  });
  const v = verify.data;
  return (
    <>
      <PageTitle>Audit</PageTitle>
      <Section mb="md">
        <QueryState query={verify} what="Verifying the audit chain" />
        {v && (
          <div data-testid="chain-status" role="status">
            <Text fw={700} c={v.valid ? '#1e6b34' : 'red.9'}>
              {v.valid ? 'Audit chain verified' : 'Audit chain broken'}
            </Text>
            <Text size="sm">
              {v.checked} events checked {dateTime(v.verifiedAt)}
              {v.firstFailure &&
                ` · first failure at event ${v.firstFailure.seq}: ${label(v.firstFailure.problem)}`}
            </Text>
          </div>
        )}
      </Section>
      <Group align="end" mb="md">
        <PersonPicker
          label="Who accessed records about this person"
          w={420}
          onPick={(p: Schemas['PersonView'] | null) =>
            p && setFilter({ workforceMemberId: p.id, what: personName(p) })
          }
        />
        <ActorPicker onPick={(u) => setFilter({ userId: u.id, what: `by ${u.name}` })} />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            lookup.mutate(reference);
          }}
        >
          <Group align="end">
            <TextInput
              label="Events for a record, by reference"
              placeholder="INT-… or CASE-…"
              value={reference}
              onChange={(e) => setReference(e.currentTarget.value)}
            />
            <Button type="submit" variant="default" loading={lookup.isPending}>
              Find
            </Button>
          </Group>
        </form>
      </Group>
      <ProblemAlert error={lookup.error ?? csvError} />
      {filter && (
        <>
          <Group justify="space-between" mb="xs">
            <Text fw={600}>Events: {filter.what}</Text>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                const params = new URLSearchParams(
                  Object.entries(query)
                    .filter(([, x]) => x !== undefined)
                    .map(([k, x]) => [k, String(x)]),
                );
                downloadCsv(`/api/v1/audit/events.csv?${params}`, 'lantern-audit.csv').catch(setCsvError);
              }}
            >
              Download CSV
            </Button>
          </Group>
          <QueryState query={events} what="Searching the audit trail" />
          {events.data && (
            <DataTable
              testId="audit-events"
              rows={events.data.items}
              rowKey={(e) => e.seq}
              empty="No events."
              highlightOnHover={false}
              columns={[
                { header: 'When', cell: (e) => dateTime(e.occurredAt) },
                { header: 'Who', cell: (e) => nameOr(e.actorName, e.userId, 'Not signed in') },
                { header: 'Role', cell: (e) => e.roles.map(label).join(', ') },
                { header: 'Action', cell: (e) => e.action },
                { header: 'Record', cell: (e) => label(e.resourceType) },
                {
                  header: 'Outcome',
                  cell: (e) => (
                    <Badge color={e.outcome === 'allowed' ? 'green' : 'red'} variant="dot">
                      {e.outcome}
                    </Badge>
                  ),
                },
              ]}
            />
          )}
        </>
      )}
    </>
  );
}
