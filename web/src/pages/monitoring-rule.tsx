import { Alert, Button, Card, Group, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { AnchorLink, day, PageTitle, ProblemAlert, QueryState, StateBadge, today } from '../ui';
import { RuleState } from './monitoring';
import { RULE_NAMES, type RuleCode, thresholdLabel, thresholdsText } from './monitoring-words';

type Rule = Schemas['RuleView'];

const daysAgo = (n: number): string => {
  const d = new Date(`${today()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
};
const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
const sameThresholds = (a: Record<string, number>, b: Record<string, number>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/** Enable or disable the rule (versioned; a stale version is a 409 shown as a problem). */
function EnableRule({ rule }: { rule: Rule }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/v1/monitoring/rules/{code}', {
          params: { path: { code: rule.code } },
          body: { version: rule.version, enabled: !rule.enabled },
        }),
      ),
    onSuccess: (saved) => {
      notifications.show({
        message: `${RULE_NAMES[saved.code]} ${saved.enabled ? 'enabled: new events are flagged' : 'disabled'}`,
        color: 'green',
      });
      void queryClient.invalidateQueries({ queryKey: ['monitoring', 'rules'] });
    },
  });
  return (
    <Stack gap={4} align="end">
      <Group gap="sm">
        <RuleState enabled={rule.enabled} />
        <Button
          variant={rule.enabled ? 'default' : 'filled'}
          onClick={() => toggle.mutate()}
          loading={toggle.isPending}
        >
          {rule.enabled ? 'Disable the rule' : 'Enable the rule'}
        </Button>
      </Group>
      <ProblemAlert error={toggle.error} />
    </Stack>
  );
}

/**
 * The trial: the rule over a past period with proposed thresholds against the current ones, counted by
 * department (the API gives no names). Thresholds are saved only as tried: the flood is seen before it comes.
 */
function Trial({ rule }: { rule: Rule }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { from: daysAgo(30), to: daysAgo(1), thresholds: { ...rule.thresholds } },
  });
  const [result, setResult] = useState<{
    trial: Schemas['TrialResult'];
    thresholds: Record<string, number>;
  }>();
  const run = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(
        api.POST('/api/v1/monitoring/rules/{code}/trial', {
          params: { path: { code: rule.code } },
          body: { from: v.from, to: v.to, thresholds: v.thresholds },
        }),
      ),
    onSuccess: (trial, v) => setResult({ trial, thresholds: { ...v.thresholds } }),
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
  });
  const save = useMutation({
    mutationFn: (thresholds: Record<string, number>) =>
      unwrap(
        api.PATCH('/api/v1/monitoring/rules/{code}', {
          params: { path: { code: rule.code } },
          body: { version: rule.version, thresholds },
        }),
      ),
    onSuccess: (saved) => {
      notifications.show({
        message: `Thresholds saved: ${thresholdsText(saved.thresholds)}`,
        color: 'green',
      });
      setResult(undefined);
      void queryClient.invalidateQueries({ queryKey: ['monitoring', 'rules'] });
    },
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
  });
  const tried = result && sameThresholds(result.thresholds, form.values.thresholds);
  const changed = !sameThresholds(form.values.thresholds, rule.thresholds);
  const t = result?.trial;
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        Try it over a past period
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Runs the rule over the events of the period with the thresholds below and with the current ones.
        Nothing is flagged; the counts are by department, never by person.
      </Text>
      <form onSubmit={form.onSubmit((v) => run.mutate(v))}>
        <Stack gap="sm">
          <ProblemAlert error={run.error ?? save.error} />
          <Group align="start">
            <DateInput
              label="From"
              valueFormat="D MMM YYYY"
              maxDate={today()}
              w={170}
              {...form.getInputProps('from')}
            />
            <DateInput
              label="To"
              valueFormat="D MMM YYYY"
              maxDate={today()}
              w={170}
              {...form.getInputProps('to')}
            />
            {Object.keys(rule.thresholds).map((k) => (
              <NumberInput
                key={k}
                label={thresholdLabel(k)}
                description={`Now ${rule.thresholds[k]}`}
                allowDecimal={false}
                w={190}
                {...form.getInputProps(`thresholds.${k}`)}
              />
            ))}
          </Group>
          <Group>
            <Button type="submit" loading={run.isPending}>
              Run the trial
            </Button>
            {changed && (
              <Button
                variant="default"
                disabled={!tried}
                loading={save.isPending}
                onClick={() => save.mutate(form.values.thresholds)}
              >
                Save these thresholds
              </Button>
            )}
            {changed && !tried && (
              <Text size="sm" c="dimmed">
                Run the trial with these thresholds before saving them.
              </Text>
            )}
          </Group>
        </Stack>
      </form>
      {t && (
        <Stack gap="xs" mt="md" aria-live="polite">
          <Text fw={600} data-testid="trial-totals">
            {day(t.from)} to {day(t.to)}: {t.currentTotal} flag{t.currentTotal === 1 ? '' : 's'} with the
            current thresholds, {t.proposedTotal} with the proposed ones (
            {signed(t.proposedTotal - t.currentTotal)}).
          </Text>
          {t.callerRecordsExcluded && (
            <Text size="sm" c="dimmed">
              Flags about you are left out of these counts.
            </Text>
          )}
          {t.byDepartment.length === 0 ? (
            <Text size="sm" c="dimmed">
              No flags in this period with either thresholds.
            </Text>
          ) : (
            <Table striped maw={720} captionSide="top">
              <Table.Caption>Flags by department</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Department</Table.Th>
                  <Table.Th ta="right">Current thresholds</Table.Th>
                  <Table.Th ta="right">Proposed thresholds</Table.Th>
                  <Table.Th ta="right">Difference</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {t.byDepartment.map((d) => (
                  <Table.Tr key={d.department}>
                    <Table.Td>{d.department}</Table.Td>
                    <Table.Td ta="right">{d.current}</Table.Td>
                    <Table.Td ta="right">{d.proposed}</Table.Td>
                    <Table.Td ta="right" fw={d.difference !== 0 ? 700 : undefined}>
                      {signed(d.difference)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </Card>
  );
}

/** One lead: its reference, state and subject, read through the report (so need to know applies). */
function Lead({ reportId }: { reportId: string }) {
  const report = useQuery({
    queryKey: ['report', reportId],
    queryFn: () => unwrap(api.GET('/api/v1/intelligence/{id}', { params: { path: { id: reportId } } })),
    retry: false,
  });
  if (report.error) return <Text size="sm">Not visible to you</Text>;
  if (!report.data) return <Text size="sm">…</Text>;
  const r = report.data;
  return (
    <Group gap="sm" wrap="nowrap">
      <AnchorLink to="/intelligence/$id" params={{ id: r.id }}>
        {r.reference}
      </AnchorLink>
      <StateBadge state={r.state} />
      <Text size="sm">{r.subjects.map((s) => `${s.givenName} ${s.familyName}`).join(', ')}</Text>
    </Group>
  );
}

/** The rule's leads: its flags (none about the reader) and the intelligence reports they became. */
function Leads({ code }: { code: RuleCode }) {
  const flags = useQuery({
    queryKey: ['monitoring', 'flags', code],
    queryFn: () =>
      unwrap(api.GET('/api/v1/monitoring/flags', { params: { query: { ruleCode: code, limit: 20 } } })),
  });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        Leads from this rule
      </Title>
      <QueryState query={flags} what="Loading the leads" />
      {flags.data &&
        (flags.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No flags yet.
          </Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Lead</Table.Th>
                <Table.Th>Window</Table.Th>
                <Table.Th ta="right">Events</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {flags.data.items.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td>
                    {f.reportId ? <Lead reportId={f.reportId} /> : <Text size="sm">Being recorded</Text>}
                  </Table.Td>
                  <Table.Td>
                    {day(f.windowStart)} – {day(f.windowEnd)}
                  </Table.Td>
                  <Table.Td ta="right">{f.eventCount}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ))}
    </Card>
  );
}

export function MonitoringRulePage() {
  const { code } = useParams({ from: '/monitoring/rules/$code' });
  const rules = useQuery({
    queryKey: ['monitoring', 'rules'],
    queryFn: () => unwrap(api.GET('/api/v1/monitoring/rules', {})),
  });
  const rule = rules.data?.find((r) => r.code === code);
  return (
    <>
      <Text size="sm" mb="xs">
        <AnchorLink to="/monitoring">ICT monitoring rules</AnchorLink>
      </Text>
      <QueryState query={rules} what="Loading the rule" />
      {rules.data && !rule && (
        <Alert color="red.9" variant="filled" title="No such rule" role="alert">
          There is no monitoring rule here.
        </Alert>
      )}
      {rule && (
        <>
          <PageTitle right={<EnableRule rule={rule} />}>{RULE_NAMES[rule.code]}</PageTitle>
          <Stack>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Reason every flag carries
              </Title>
              <Text>{rule.reason}</Text>
              <Text size="sm" mt="xs">
                Thresholds: {thresholdsText(rule.thresholds)}
              </Text>
            </Card>
            <Trial key={`${rule.code}:${rule.version}`} rule={rule} />
            <Leads code={rule.code} />
          </Stack>
        </>
      )}
    </>
  );
}
