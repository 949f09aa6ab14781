import { Button, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, downloadCsv, type Schemas, unwrap } from '../api/client';
import { label, PageTitle, ProblemAlert, QueryState } from '../ui';

const OUTCOMES = [
  { name: 'substantiated', color: 'red.7' },
  { name: 'unsubstantiated', color: 'blue.6' },
  { name: 'unfounded', color: 'teal.6' },
  { name: 'malicious_or_vexatious', color: 'violet.6' },
  // Always drawn and always in the legend, even at zero: referrals whose outcome is not known yet.
  { name: 'pending', color: 'yellow.5' },
];

const thisFinancialYear = (): number => {
  const now = new Date();
  return now.getMonth() >= 3 ? now.getFullYear() : now.getFullYear() - 1;
};
const fyLabel = (y: number) => `${y}/${String((y + 1) % 100).padStart(2, '0')}`;

type Row = Record<string, string | number | null>;

function FigureTableView({ table }: { table: Schemas['FigureTable'] }) {
  const rows = table.rows as Row[];
  return (
    <Table striped withTableBorder fz="xs">
      <Table.Thead>
        <Table.Tr>
          {table.columns.map((c) => (
            <Table.Th key={c.key} title={c.description}>
              {label(c.key)}
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
    queryFn: () => unwrap(api.GET('/api/v1/figures/referrals', { params: { query } })),
  });
  const cases = useQuery({
    queryKey: ['figures', 'cases', query],
    queryFn: () => unwrap(api.GET('/api/v1/figures/cases', { params: { query } })),
  });
  const data = ((referrals.data?.rows ?? []) as Row[])
    .filter((r) => r.financial_year !== 'total' && r.financial_year !== 'Total')
    .map((r) => ({
      year: String(r.financial_year),
      ...Object.fromEntries(OUTCOMES.map((o) => [o.name, Number(r[o.name] ?? 0)])),
    }));
  const csv = (figure: 'referrals' | 'cases') => {
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
                series={OUTCOMES.map((o) => ({ ...o, label: label(o.name) }))}
                aria-label="IOPC referrals by financial year, stacked by outcome, pending included"
              />
              <FigureTableView
                table={{
                  ...referrals.data,
                  columns: referrals.data.columns.filter((c) =>
                    [
                      'financial_year',
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
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4">
              Cases
            </Title>
            <Button size="xs" variant="default" onClick={() => csv('cases')}>
              Download CSV
            </Button>
          </Group>
          <QueryState query={cases} what="Counting cases" />
          {cases.data && (
            <>
              <Text size="sm" c="dimmed" mb="sm">
                {cases.data.basisDescription}
              </Text>
              <FigureTableView table={cases.data} />
            </>
          )}
        </Card>
      </Stack>
    </>
  );
}
