import { Button, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { CATEGORIES, INTEL_STATES } from '../codes';
import { chosen, FilterBar, FilterDate, FilterSelect, useFilters } from '../components/filters';
import { ReportsTable } from '../components/lists';
import { PageTitle, QueryState } from '../ui';

/**
 * Every report the caller may see (the API's access rules, no more): newest first, filtered, or found by words;
 * a page at a time.
 */
export function IntelligenceListPage() {
  const [q, setQ] = useState('');
  const f = useFilters({
    state: null as string | null,
    category: null as string | null,
    assignment: 'anyone',
    from: null as string | null,
    to: null as string | null,
  });
  const { state, category, assignment, from, to } = f.values;
  const [text] = useDebouncedValue(q.trim(), 300);
  const list = useInfiniteQuery({
    queryKey: ['intelligence', 'list', text, f.values],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Schemas['QueuePage']) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam }) => {
      const common = {
        limit: 50,
        cursor: pageParam,
        category: chosen<Schemas['CorruptionCategory']>(category),
      };
      if (text) {
        return unwrap(
          api.GET('/api/v1/intelligence/search', {
            params: {
              query: {
                ...common,
                q: text,
                state: chosen<Schemas['IntelligenceState']>(state),
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
      <FilterBar>
        <TextInput
          label="Search"
          placeholder="Words in the narrative, a reference…"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={300}
        />
        <FilterSelect label="State" codes={INTEL_STATES} {...f.select('state')} />
        <FilterSelect label="Category" codes={CATEGORIES} w={260} {...f.select('category')} />
        <FilterSelect
          label="Assigned to"
          data={[
            { value: 'anyone', label: 'Anyone' },
            { value: 'me', label: 'Me' },
            { value: 'unassigned', label: 'Nobody yet' },
          ]}
          value={assignment}
          onChange={(a) => f.select('assignment').onChange(a ?? 'anyone')}
          clearable={false}
          disabled={!!text}
          w={150}
        />
        <FilterDate label="Received from" {...f.select('from')} disabled={!!text} />
        <FilterDate label="Received to" {...f.select('to')} disabled={!!text} />
      </FilterBar>
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
