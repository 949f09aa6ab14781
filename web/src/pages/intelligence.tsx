import { Button, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { DateInput } from '@mantine/dates';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { CATEGORIES, INTEL_STATES } from '../codes';
import { options, PageTitle, QueryState } from '../ui';
import { ReportsTable } from './my-work';

type Assignment = 'me' | 'unassigned' | 'anyone';

/**
 * Every report the caller may see (the API's access rules, no more): newest first, filtered, or found by words;
 * a page at a time.
 */
export function IntelligenceListPage() {
  const [q, setQ] = useState('');
  const [state, setState] = useState<string | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [assignment, setAssignment] = useState<Assignment>('anyone');
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [text] = useDebouncedValue(q.trim(), 300);
  const list = useInfiniteQuery({
    queryKey: ['intelligence', 'list', text, state, category, assignment, from, to],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Schemas['QueuePage']) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam }) => {
      const common = {
        limit: 50,
        cursor: pageParam,
        category: (category ?? undefined) as Schemas['CorruptionCategory'] | undefined,
      };
      if (text) {
        return unwrap(
          api.GET('/api/v1/intelligence/search', {
            params: {
              query: {
                ...common,
                q: text,
                state: (state ?? undefined) as Schemas['IntelligenceState'] | undefined,
              },
            },
          }),
        );
      }
      return unwrap(
        api.GET('/api/v1/intelligence', {
          params: {
            query: {
              ...common,
              state: state ? [state as Schemas['IntelligenceState']] : undefined,
              assignee: assignment === 'me' ? 'me' : undefined,
              unassigned: assignment === 'unassigned' ? true : undefined,
              receivedFrom: from ?? undefined,
              receivedTo: to ?? undefined,
            },
          },
        }),
      );
    },
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
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
        <TextInput
          label="Search"
          placeholder="Words in the narrative, a reference…"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={300}
        />
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
        <Select
          label="Assigned to"
          data={[
            { value: 'anyone', label: 'Anyone' },
            { value: 'me', label: 'Me' },
            { value: 'unassigned', label: 'Nobody yet' },
          ]}
          value={assignment}
          onChange={(v) => setAssignment(v ?? 'anyone')}
          disabled={!!text}
          w={150}
        />
        <DateInput
          label="Received from"
          valueFormat="D MMM YYYY"
          value={from}
          onChange={setFrom}
          clearable
          disabled={!!text}
          w={160}
        />
        <DateInput
          label="Received to"
          valueFormat="D MMM YYYY"
          value={to}
          onChange={setTo}
          clearable
          disabled={!!text}
          w={160}
        />
      </Group>
      <QueryState query={list} what="Loading reports" />
      {list.data && <ReportsTable items={items} empty="No reports match." showAssignee />}
      {list.hasNextPage && (
        <Button
          mt="md"
          variant="default"
          onClick={() => void list.fetchNextPage()}
          loading={list.isFetchingNextPage}
        >
          More reports
        </Button>
      )}
    </>
  );
}
