import {
  Button,
  Card,
  Group,
  ScrollArea,
  Select,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { BarChart, LineChart } from '@mantine/charts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, downloadCsv, type Schemas, unwrap } from '../api/client';
import { day, label, PageTitle, ProblemAlert, QueryState } from '../ui';

const OUTCOMES = [
  { name: 'substantiated', color: 'red.7' },
  { name: 'unsubstantiated', color: 'blue.6' },
  { name: 'unfounded', color: 'teal.6' },
  { name: 'maliciousOrVexatious', color: 'violet.6' },
  // Always drawn and always in the legend, even at zero: referrals whose outcome is not known yet.
  { name: 'pending', color: 'yellow.5' },
];

const thisFinancialYear = (): number => {
  const now = new Date();
  return now.getMonth() >= 3 ? now.getFullYear() : now.getFullYear() - 1;
};
const fyLabel = (y: number) => `${y}/${String((y + 1) % 100).padStart(2, '0')}`;

type Row = Record<string, string | number | null>;

/** A figure's JSON table: the figures answer JSON unless CSV is asked for (their CSV is documented too). */
function jsonTable(data: Schemas['FigureTable'] | string): Schemas['FigureTable'] {
  if (typeof data === 'string') throw new Error('The figure answered CSV where JSON was asked for');
  return data;
}

/** A figure's JSON key (camelCase) as its column name (snake_case), which `label` puts into words. */
const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function FigureTableView({ table }: { table: Schemas['FigureTable'] }) {
  const rows = table.rows as Row[];
  return (
    <Table striped withTableBorder fz="xs">
      <Table.Thead>
        <Table.Tr>
          {table.columns.map((c) => (
            <Table.Th key={c.key} title={c.description}>
              {label(c.csvHeader)}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r, i) => (
          <Table.Tr key={i}>
            {table.columns.map((c) => (
              <Table.Td key={c.key}>{String(r[c.key] ?? '—')}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

type Figure = 'cases' | 'intelligence' | 'vetting' | 'capacity';
type Series = { name: string; color: string };

/** What each of the other figures draws: its x axis, the series, which rows, and the columns its table shows. */
const CHARTS: Record<
  Figure,
  {
    title: string;
    chart: 'stacked' | 'line';
    x: 'financialYear' | 'period';
    series: Series[];
    rows?: (r: Row) => boolean;
    columns: string[];
    unit?: string;
  }
> = {
  cases: {
    title: 'People in cases by financial year and finding',
    chart: 'stacked',
    x: 'financialYear',
    rows: (r) => r.memberType === 'all',
    series: [
      { name: 'proven', color: 'red.7' },
      { name: 'notProven', color: 'blue.6' },
      { name: 'noCaseToAnswer', color: 'teal.6' },
      { name: 'pending', color: 'yellow.5' },
    ],
    columns: [
      'financialYear',
      'memberType',
      'people',
      'pending',
      'finalised',
      'caseToAnswer',
      'noCaseToAnswer',
      'proven',
      'notProven',
      'barredList',
    ],
  },
  intelligence: {
    title: 'Intelligence received by financial year and decision',
    chart: 'stacked',
    x: 'financialYear',
    series: [
      { name: 'noFurtherAction', color: 'gray.6' },
      { name: 'development', color: 'blue.6' },
      { name: 'referredToCase', color: 'red.7' },
      { name: 'disseminated', color: 'teal.6' },
      { name: 'open', color: 'yellow.5' },
    ],
    columns: [
      'financialYear',
      'received',
      'noFurtherAction',
      'development',
      'referredToCase',
      'disseminated',
      'open',
      'graded3x5x2Percent',
      'medianDaysToDecision',
      'p90DaysToDecision',
    ],
  },
  vetting: {
    title: 'Vetting compliance, month by month',
    chart: 'line',
    x: 'period',
    series: [{ name: 'compliancePercent', color: 'green.8' }],
    unit: '%',
    columns: [
      'period',
      'asOf',
      'workforce',
      'upToDate',
      'renewalDue',
      'overdue',
      'belowRequired',
      'noClearance',
      'compliancePercent',
    ],
  },
  capacity: {
    title: 'Open work at each month end',
    chart: 'line',
    x: 'period',
    series: [
      { name: 'openIntelligence', color: 'blue.6' },
      { name: 'openCases', color: 'red.7' },
      { name: 'intelligencePastTarget', color: 'orange.6' },
      { name: 'casesPastTarget', color: 'grape.7' },
    ],
    columns: [
      'period',
      'analysts',
      'openIntelligence',
      'intelligencePerAnalyst',
      'intelligencePastTarget',
      'investigators',
      'openCases',
      'casesPerInvestigator',
      'casesPastTarget',
    ],
  },
};

/** One figure: its chart, the counting basis in words, its table and its CSV. */
function FigureCard({
  figure,
  query,
  enabled,
  onCsvError,
}: {
  figure: Figure;
  enabled: boolean;
  query: { from: string; to: string; basis: Schemas['CountingBasis'] };
  onCsvError: (e: unknown) => void;
}) {
  const spec = CHARTS[figure];
  // The vetting and capacity figures count the state on a date: they take no counting basis.
  const params = figure === 'vetting' || figure === 'capacity' ? { from: query.from, to: query.to } : query;
  const result = useQuery({
    queryKey: ['figures', figure, params],
    queryFn: () =>
      unwrap(api.GET(`/api/v1/figures/${figure}`, { params: { query: params } })).then(jsonTable),
    enabled,
  });
  const table = result.data;
  const rows = ((table?.rows ?? []) as Row[]).filter(spec.rows ?? (() => true));
  const data = rows.map((r) => ({
    [spec.x]: String(r[spec.x]),
    ...Object.fromEntries(spec.series.map((s) => [s.name, Number(r[s.name] ?? 0)])),
  }));
  const series = spec.series.map((s) => ({ ...s, label: label(snakeCase(s.name)) }));
  const latest = rows.at(-1);
  const csv = (): void => {
    downloadCsv(
      `/api/v1/figures/${figure}?${new URLSearchParams({ ...params, format: 'csv' })}`,
      `lantern-${figure}-${query.from}-${query.to}.csv`.replace(/\//g, '-'),
    ).catch(onCsvError);
  };
  return (
    <Card withBorder data-testid={`${figure}-figure`}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {spec.title}
        </Title>
        <Button size="xs" variant="default" onClick={csv}>
          Download CSV<VisuallyHidden> of {spec.title.toLowerCase()}</VisuallyHidden>
        </Button>
      </Group>
      <QueryState query={result} what={`Counting: ${spec.title.toLowerCase()}`} />
      {table && (
        <>
          <Text size="sm" c="dimmed" mb="sm">
            Counting basis: {table.basisDescription.replace(/\.?$/, '.')} Unit: {table.unit}.
          </Text>
          {figure === 'vetting' && latest && (
            <Text fw={700} mb="sm" data-testid="compliance-now">
              Compliance now ({day(String(latest.asOf))}): {String(latest.compliancePercent)}%
            </Text>
          )}
          {spec.chart === 'stacked' ? (
            <BarChart
              h={280}
              data={data}
              dataKey={spec.x}
              type="stacked"
              withLegend
              legendProps={{ verticalAlign: 'bottom' }}
              series={series}
              aria-label={spec.title}
            />
          ) : (
            <LineChart
              h={280}
              data={data}
              dataKey={spec.x}
              withLegend
              withDots={false}
              legendProps={{ verticalAlign: 'bottom' }}
              unit={spec.unit}
              yAxisProps={spec.unit === '%' ? { domain: [0, 100] } : undefined}
              series={series}
              aria-label={spec.title}
            />
          )}
          <ScrollArea.Autosize
            mah={320}
            mt="sm"
            viewportProps={{ tabIndex: 0, 'aria-label': `Table: ${spec.title.toLowerCase()}` }}
          >
            <FigureTableView
              table={{
                ...table,
                rows,
                columns: table.columns.filter((c) => spec.columns.includes(c.key)),
              }}
            />
          </ScrollArea.Autosize>
        </>
      )}
    </Card>
  );
}

export function FiguresPage() {
  const last = thisFinancialYear();
  const [from, setFrom] = useState(String(last - 4));
  const [basis, setBasis] = useState<Schemas['CountingBasis']>('recorded');
  const [csvError, setCsvError] = useState<unknown>(null);
  const years = Array.from({ length: 10 }, (_, i) => last - i).map((y) => ({
    value: String(y),
    label: fyLabel(y),
  }));
  const query = { from: fyLabel(Number(from)), to: fyLabel(last), basis };
  const referrals = useQuery({
    queryKey: ['figures', 'referrals', query],
    queryFn: () => unwrap(api.GET('/api/v1/figures/referrals', { params: { query } })).then(jsonTable),
  });
  const data = ((referrals.data?.rows ?? []) as Row[])
    .filter((r) => r.financialYear !== 'total' && r.financialYear !== 'Total')
    .map((r) => ({
      year: String(r.financialYear),
      ...Object.fromEntries(OUTCOMES.map((o) => [o.name, Number(r[o.name] ?? 0)])),
    }));
  const csv = (figure: 'referrals') => {
    const params = new URLSearchParams({ ...query, format: 'csv' });
    downloadCsv(
      `/api/v1/figures/${figure}?${params}`,
      `lantern-${figure}-${query.from}-${query.to}.csv`,
    ).catch(setCsvError);
  };
  return (
    <>
      <PageTitle>Figures</PageTitle>
      <Group mb="md" align="end">
        <Select
          label="From financial year"
          data={years}
          value={from}
          onChange={(v) => v && setFrom(v)}
          allowDeselect={false}
          w={180}
        />
        <Select
          label="Counting basis"
          data={[
            { value: 'recorded', label: 'Year referred (recorded)' },
            { value: 'finalised', label: 'Year finalised' },
          ]}
          value={basis}
          onChange={(v) => v && setBasis(v)}
          allowDeselect={false}
          w={240}
        />
      </Group>
      <ProblemAlert error={csvError} />
      <Stack>
        <Card withBorder data-testid="referrals-chart">
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4">
              IOPC referrals by financial year and outcome
            </Title>
            <Button size="xs" variant="default" onClick={() => csv('referrals')}>
              Download CSV
            </Button>
          </Group>
          <QueryState query={referrals} what="Counting referrals" />
          {referrals.data && (
            <>
              <Text size="sm" c="dimmed" mb="sm">
                {referrals.data.basisDescription.replace(/\.?$/, '.')} Pending: the case is not finalised, so
                its outcome is not known yet; it is counted and shown in every year.
              </Text>
              <BarChart
                h={320}
                data={data}
                dataKey="year"
                type="stacked"
                withLegend
                legendProps={{ verticalAlign: 'bottom' }}
                series={OUTCOMES.map((o) => ({ ...o, label: label(snakeCase(o.name)) }))}
                aria-label="IOPC referrals by financial year, stacked by outcome, pending included"
              />
              <FigureTableView
                table={{
                  ...referrals.data,
                  columns: referrals.data.columns.filter((c) =>
                    [
                      'financialYear',
                      'referrals',
                      'mandatory',
                      'voluntary',
                      ...OUTCOMES.map((o) => o.name),
                    ].includes(c.key),
                  ),
                }}
              />
            </>
          )}
        </Card>
        {(['cases', 'intelligence', 'vetting', 'capacity'] as const).map((f) => (
          // After the referrals (the figure most asked for): the heavier counts do not hold it up.
          <FigureCard key={f} figure={f} query={query} enabled={!!referrals.data} onCsvError={setCsvError} />
        ))}
      </Stack>
    </>
  );
}
