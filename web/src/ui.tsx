import {
  Alert,
  Anchor,
  Center,
  Group,
  Loader,
  Select,
  type SelectProps,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { createLink } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { api, ApiError, type Schemas, unwrap } from './api/client';

/** A Mantine Anchor that is a typed router link (paths and params checked against the routes). */
export const AnchorLink = createLink(Anchor);

const WORDS: Record<string, string> = {
  '3x5x2': '3x5x2',
  '5x5x5': '5x5x5',
  apsp: 'APSP',
  iopc: 'IOPC',
  ict: 'ICT',
  pcso: 'PCSO',
  nppv1: 'NPPV1',
  nppv2: 'NPPV2',
  nppv3: 'NPPV3',
};

/** A code from the API in words: `referred_to_case` → "Referred to case". */
export function label(code: string | null | undefined): string {
  if (!code) return '—';
  const text = code
    .split('_')
    .map((w) => WORDS[w] ?? w)
    .join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A request field in words: `proceedingsResult` → "Proceedings result". */
export const fieldLabel = (field: string | null | undefined): string =>
  label(field?.replace(/([A-Z])/g, '_$1').toLowerCase());

export const options = (codes: readonly string[]): { value: string; label: string }[] =>
  codes.map((c) => ({ value: c, label: label(c) }));

export const day = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }) : '—';
export const dateTime = (iso: string | null | undefined): string =>
  iso
    ? new Date(iso).toLocaleString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      })
    : '—';
export const today = (): string => new Date().toISOString().slice(0, 10);

export function PageTitle({ children, right }: { children: ReactNode; right?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md">
      <Title order={1} size="h2">
        {children}
      </Title>
      {right}
    </Group>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <Center p="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{what}…</Text>
      </Group>
    </Center>
  );
}

/** A problem+json answer in words (its field problems are shown on the fields by the forms). */
export function ProblemAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : undefined;
  const message = error instanceof Error ? error.message : 'The request failed';
  return (
    <Alert
      color="red.9"
      variant="filled"
      title={problem?.title ?? 'Something went wrong'}
      role="alert"
      mb="md"
    >
      <Stack gap={4}>
        <Text size="sm">{message}</Text>
        {problem?.errors?.map((e) => (
          <Text size="sm" key={`${e.field}${e.rule}`}>
            {fieldLabel(e.field.split('.').pop())}: {e.message}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}

/** A form mutation's `onError`: the problem's field errors shown on the fields they concern. */
export const showOn =
  (form: { setErrors: (errors: Record<string, string>) => void }) =>
  (error: Error): void => {
    if (error instanceof ApiError) form.setErrors(error.fieldErrors);
  };

export function QueryState({
  query,
  what,
}: {
  query: { isPending: boolean; error: unknown };
  what?: string;
}) {
  if (query.error) return <ProblemAlert error={query.error} />;
  if (query.isPending) return <Loading what={what} />;
  return null;
}

export function StateBadge({ state }: { state: string | null | undefined }) {
  const colour: Record<string, string> = {
    received: 'blue',
    in_assessment: 'cyan',
    awaiting_review: 'grape',
    development: 'indigo',
    open: 'blue',
    under_investigation: 'cyan',
    suspended: 'gray',
    awaiting_outcome: 'grape',
    closed: 'dark',
    overdue: 'red',
    renewal_due: 'orange',
    below_required: 'red',
    up_to_date: 'green',
    acknowledged: 'yellow',
    resolved: 'green',
  };
  return (
    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
      <Text span c={`${colour[state ?? ''] ?? 'gray'}.7`} aria-hidden>
        ●
      </Text>{' '}
      {label(state)}
    </Text>
  );
}

export function Overdue({ overdue, due }: { overdue: boolean; due: string | null | undefined }) {
  return overdue ? (
    <Text size="sm" fw={700} c="red.9" style={{ whiteSpace: 'nowrap' }}>
      Overdue · {day(due)}
    </Text>
  ) : (
    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
      {day(due)}
    </Text>
  );
}

// ---- names beside ids ----

export function useAnalysts(): { value: string; label: string }[] {
  const users = useQuery({
    queryKey: ['directory', 'users', 'analyst'],
    queryFn: () => unwrap(api.GET('/api/v1/directory/users', { params: { query: { role: 'analyst' } } })),
    staleTime: 300_000,
  });
  return (users.data?.items ?? [])
    .filter((u) => u.enabled)
    .map((u) => ({ value: u.id, label: u.displayName }));
}

export function useDepartments(): {
  list: Schemas['DepartmentName'][];
  name: (id?: string | null) => string;
} {
  const departments = useQuery({
    queryKey: ['directory', 'departments'],
    queryFn: () => unwrap(api.GET('/api/v1/directory/departments', {})),
    staleTime: 300_000,
  });
  const list = departments.data?.items ?? [];
  const byId = new Map(list.map((d) => [d.id, d.name]));
  return { list, name: (id) => (id ? (byId.get(id) ?? 'Unknown department') : 'No department') };
}

export const personName = (p: { givenName: string; familyName: string; staffNumber: string }): string =>
  `${p.givenName} ${p.familyName} (${p.staffNumber})`;

/** Find a workforce member by name or staff number (the directory lookup: no vetting data). */
export function PersonPicker({
  onPick,
  label: fieldLabel = 'Person',
  ...rest
}: { onPick: (person: Schemas['PersonView'] | null) => void; label?: string } & Omit<
  SelectProps,
  'data' | 'onChange'
>) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [picked, setPicked] = useState<Schemas['PersonView'] | null>(null);
  const people = useQuery({
    queryKey: ['directory', 'people', debounced],
    queryFn: () =>
      unwrap(api.GET('/api/v1/directory/people', { params: { query: { q: debounced, limit: 10 } } })),
    enabled: debounced.length >= 2,
  });
  const items = people.data?.items ?? [];
  const data = [...(picked && !items.some((p) => p.id === picked.id) ? [picked] : []), ...items].map((p) => ({
    value: p.id,
    label: `${personName(p)}${p.rankOrGrade ? ` · ${p.rankOrGrade}` : ''}${p.departmentName ? ` · ${p.departmentName}` : ''}`,
  }));
  return (
    <Select
      label={fieldLabel}
      placeholder="Type a name or staff number"
      searchable
      clearable
      data={data}
      filter={({ options: o }) => o}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={
        debounced.length < 2 ? 'Type at least two letters' : people.isFetching ? 'Searching…' : 'Nobody found'
      }
      rightSection={people.isFetching ? <Loader size="xs" /> : undefined}
      value={picked?.id ?? null}
      onChange={(id) => {
        const person = [...items, ...(picked ? [picked] : [])].find((p) => p.id === id) ?? null;
        setPicked(person);
        onPick(person);
      }}
      {...rest}
    />
  );
}
