import { Button, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { CATEGORIES, INTEL_STATES } from '../codes';
import { hasRole, useMe } from '../session';
import { options, PageTitle, QueryState } from '../ui';
import { ReportsTable } from './my-work';

/** Supervisors search every report; analysts see the reports assigned to them. */
export function IntelligenceListPage() {
  const me = useMe();
  const supervisor = hasRole(me, 'supervisor');
  const [q, setQ] = useState('');
  const [state, setState] = useState<string | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [text] = useDebouncedValue(q.trim(), 300);
  const list = useQuery({
    queryKey: ['intelligence', 'list', supervisor, text, state, category],
    queryFn: async (): Promise<Schemas['QueueItem'][]> => {
      const filters = {
        state: (state ?? undefined) as Schemas['IntelligenceState'] | undefined,
        category: (category ?? undefined) as Schemas['CorruptionCategory'] | undefined,
      };
      if (supervisor && text) {
        const page = await unwrap(
          api.GET('/api/v1/intelligence/search', { params: { query: { q: text, limit: 100, ...filters } } }),
        );
        return page.items;
      }
      const page = await unwrap(
        api.GET('/api/v1/intelligence/queue', {
          params: {
            query: {
              assigneeId: supervisor ? undefined : me.id,
              limit: 100,
              state: filters.state ? [filters.state as Schemas['OpenIntelligenceState']] : undefined,
              category: filters.category,
            },
          },
        }),
      );
      return page.items;
    },
  });
  return (
    <>
      <PageTitle
        right={
          <Button component={Link} to="/intelligence/new">
            Record a report
          </Button>
        }
      >
        Intelligence
      </PageTitle>
      <Group mb="md" align="end">
        {supervisor && (
          <TextInput
            label="Search"
            placeholder="Words in the narrative, a reference…"
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            w={320}
          />
        )}
        <Select
          label="State"
          data={options(INTEL_STATES)}
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
      </Group>
      <QueryState query={list} what="Loading reports" />
      {list.data && <ReportsTable items={list.data} empty="No reports match." />}
    </>
  );
}
