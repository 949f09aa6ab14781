import { Checkbox, Group, Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { CASE_STATUSES, CATEGORIES } from '../codes';
import { options, PageTitle, QueryState } from '../ui';
import { CasesTable } from './my-work';

export function CasesPage() {
  const [status, setStatus] = useState<string | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [overdueUpdate, setOverdueUpdate] = useState(false);
  const [pastPccMark, setPastPccMark] = useState(false);
  const [awaitingIopc, setAwaitingIopc] = useState(false);
  const query = {
    limit: 100,
    status: (status ?? undefined) as Schemas['CaseStatus'] | undefined,
    category: (category ?? undefined) as Schemas['CorruptionCategory'] | undefined,
    overdueUpdate: overdueUpdate || undefined,
    pastPccMark: pastPccMark || undefined,
    referralRequired: awaitingIopc || undefined,
  };
  const cases = useQuery({
    queryKey: ['cases', query],
    queryFn: () => unwrap(api.GET('/api/v1/cases', { params: { query } })),
  });
  const items = (cases.data?.items ?? []).filter((c) => !awaitingIopc || !c.iopcDecision);
  return (
    <>
      <PageTitle>Cases</PageTitle>
      <Group mb="md" align="end">
        <Select
          label="Status"
          data={options(CASE_STATUSES)}
          value={status}
          onChange={setStatus}
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
          label="Update overdue"
          checked={overdueUpdate}
          onChange={(e) => setOverdueUpdate(e.currentTarget.checked)}
        />
        <Checkbox
          label="Past the 12-month mark"
          checked={pastPccMark}
          onChange={(e) => setPastPccMark(e.currentTarget.checked)}
        />
        <Checkbox
          label="Awaiting IOPC"
          checked={awaitingIopc}
          onChange={(e) => setAwaitingIopc(e.currentTarget.checked)}
        />
      </Group>
      <QueryState query={cases} what="Loading cases" />
      {cases.data && <CasesTable items={items} empty="No cases match." />}
    </>
  );
}
