import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../api/client';
import { CASE_STATUSES, CATEGORIES } from '../codes';
import { chosen, FilterBar, FilterCheck, FilterSelect, ticked, useFilters } from '../components/filters';
import { CasesTable } from '../components/lists';
import { PageTitle, QueryState } from '../ui';

export function CasesPage() {
  const f = useFilters({
    status: null as string | null,
    category: null as string | null,
    overdueUpdate: false,
    pastPccMark: false,
    awaitingIopc: false,
  });
  const v = f.values;
  const query = {
    limit: 100,
    status: chosen<Schemas['CaseStatus']>(v.status),
    category: chosen<Schemas['CorruptionCategory']>(v.category),
    overdueUpdate: ticked(v.overdueUpdate),
    pastPccMark: ticked(v.pastPccMark),
    referralRequired: ticked(v.awaitingIopc),
  };
  const cases = useQuery({
    queryKey: ['cases', query],
    queryFn: () => unwrap(api.GET('/api/v1/cases', { params: { query } })),
  });
  const items = (cases.data?.items ?? []).filter((c) => !v.awaitingIopc || !c.iopcDecision);
  return (
    <>
      <PageTitle>Cases</PageTitle>
      <FilterBar>
        <FilterSelect label="Status" codes={CASE_STATUSES} {...f.select('status')} />
        <FilterSelect label="Category" codes={CATEGORIES} w={260} {...f.select('category')} />
        <FilterCheck label="Update overdue" {...f.check('overdueUpdate')} />
        <FilterCheck label="Past the 12-month mark" {...f.check('pastPccMark')} />
        <FilterCheck label="Awaiting IOPC" {...f.check('awaitingIopc')} />
      </FilterBar>
      <QueryState query={cases} what="Loading cases" />
      {cases.data && <CasesTable items={items} empty="No cases match." />}
    </>
  );
}
