import {
  Badge,
  Button,
  Card,
  Grid,
  Group,
  List,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { api, ApiError, downloadCsv, type Schemas, unwrap } from '../api/client';
import {
  ALLEGATION_RESULTS,
  CRIMINAL_OUTCOMES,
  CRITERIA,
  FINDINGS,
  IOPC_DECISIONS,
  MISCONDUCT_OUTCOMES,
  PROCEEDINGS,
  PROCEEDINGS_RESULTS,
  SEVERITIES,
} from '../codes';
import { hasRole, useMe } from '../session';
import {
  dateTime,
  day,
  label,
  options,
  Overdue,
  PageTitle,
  ProblemAlert,
  QueryState,
  StateBadge,
  today,
  useUserNames,
} from '../ui';

type Case = Schemas['CaseView'];

function useCaseAction() {
  const queryClient = useQueryClient();
  return (caseId: string) => () => {
    void queryClient.invalidateQueries({ queryKey: ['case', caseId] });
    void queryClient.invalidateQueries({ queryKey: ['cases'] });
    notifications.show({ message: 'Saved', color: 'green' });
  };
}

function StatusActions({ c }: { c: Case }) {
  const me = useMe();
  const done = useCaseAction()(c.id);
  const path = { params: { path: { id: c.id } } };
  const act = useMutation({
    mutationFn: async (action: 'start' | 'await' | 'resume' | 'close') => {
      const body = { version: c.version };
      if (action === 'start')
        return unwrap(api.POST('/api/v1/cases/{id}/start-investigation', { ...path, body }));
      if (action === 'await') return unwrap(api.POST('/api/v1/cases/{id}/await-outcome', { ...path, body }));
      if (action === 'resume') return unwrap(api.POST('/api/v1/cases/{id}/resume', { ...path, body }));
      return unwrap(api.POST('/api/v1/cases/{id}/close', { ...path, body }));
    },
    onSuccess: done,
  });
  const missing = c.outcomes.flatMap((o) =>
    o.missing.map(
      (m) =>
        `${c.subjects.find((s) => s.workforceMemberId === o.workforceMemberId)?.name ?? 'A subject'}: ${label(m)}`,
    ),
  );
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        Status
      </Title>
      <ProblemAlert error={act.error} />
      <Group gap="xs">
        {c.status === 'open' && (
          <Button size="xs" onClick={() => act.mutate('start')}>
            Start investigation
          </Button>
        )}
        {c.status === 'under_investigation' && (
          <Button size="xs" onClick={() => act.mutate('await')}>
            Awaiting outcome
          </Button>
        )}
        {c.status === 'suspended' && (
          <Button size="xs" onClick={() => act.mutate('resume')}>
            Resume
          </Button>
        )}
        {hasRole(me, 'supervisor') && c.status !== 'closed' && (
          <Button size="xs" color="dark" onClick={() => act.mutate('close')}>
            Close case
          </Button>
        )}
      </Group>
      {c.status !== 'closed' && missing.length > 0 && (
        <>
          <Text size="sm" mt="sm" fw={600}>
            Before it can close:
          </Text>
          <List size="sm">
            {missing.map((m) => (
              <List.Item key={m}>{m}</List.Item>
            ))}
          </List>
        </>
      )}
    </Card>
  );
}

function Referral({ c }: { c: Case }) {
  const me = useMe();
  const done = useCaseAction()(c.id);
  const ref = c.referral;
  const referForm = useForm({
    initialValues: {
      referredOn: today(),
      basis: ref.referralRequired ? 'mandatory' : 'voluntary',
      criteria: ref.criteriaMet,
      reason: '',
    },
  });
  const decisionForm = useForm({
    initialValues: { decision: 'local', decidedOn: today(), iopcReference: '' },
  });
  const refer = useMutation({
    mutationFn: (v: typeof referForm.values) =>
      unwrap(
        api.POST('/api/v1/cases/{id}/referral', {
          params: { path: { id: c.id } },
          body: {
            referredOn: (v.referredOn ?? today()).slice(0, 10),
            basis: v.basis as Schemas['ReferralBasis'],
            criteria: v.criteria,
            reason: v.reason || undefined,
          },
        }),
      ),
    onSuccess: done,
    onError: (e) => e instanceof ApiError && referForm.setErrors(e.fieldErrors),
  });
  const decide = useMutation({
    mutationFn: (v: typeof decisionForm.values) =>
      unwrap(
        api.POST('/api/v1/cases/{id}/referral/decision', {
          params: { path: { id: c.id } },
          body: {
            decision: v.decision as Schemas['IopcDecision'],
            decidedOn: (v.decidedOn ?? today()).slice(0, 10),
            iopcReference: v.iopcReference || undefined,
          },
        }),
      ),
    onSuccess: done,
    onError: (e) => e instanceof ApiError && decisionForm.setErrors(e.fieldErrors),
  });
  const supervisor = hasRole(me, 'supervisor');
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        IOPC referral
      </Title>
      <Text size="sm">
        {ref.referralRequired ? (
          <Badge color="grape.9">Referral required</Badge>
        ) : (
          'No mandatory referral criteria met'
        )}
        {ref.criteriaMet.length > 0 && ` · ${ref.criteriaMet.map(label).join(', ')}`}
      </Text>
      {ref.referral && (
        <Stack gap={2} mt="xs">
          <Text size="sm">
            Referred {day(ref.referral.referredOn)} ({label(ref.referral.basis)}),{' '}
            {ref.referral.financialYear}
          </Text>
          <Text size="sm" data-testid="iopc-decision">
            IOPC decision:{' '}
            {ref.referral.decision
              ? `${label(ref.referral.decision)} (${day(ref.referral.decidedOn)})`
              : 'pending'}
          </Text>
          {ref.referral.iopcReference && <Text size="sm">IOPC reference {ref.referral.iopcReference}</Text>}
        </Stack>
      )}
      {ref.noReferral && (
        <Text size="sm" mt="xs">
          Not referred: {ref.noReferral.reason}
        </Text>
      )}
      {!ref.referral && c.status !== 'closed' && (
        <form onSubmit={referForm.onSubmit((v) => refer.mutate(v))}>
          <Stack gap="xs" mt="sm">
            <ProblemAlert error={refer.error} />
            <Group grow>
              <DateInput
                label="Referred on"
                valueFormat="D MMM YYYY"
                {...referForm.getInputProps('referredOn')}
              />
              <Select
                label="Basis"
                data={options(['mandatory', 'voluntary'])}
                {...referForm.getInputProps('basis')}
              />
            </Group>
            <MultiSelect label="Criteria" data={options(CRITERIA)} {...referForm.getInputProps('criteria')} />
            <Textarea label="Reason" autosize {...referForm.getInputProps('reason')} />
            <Button type="submit" size="xs" loading={refer.isPending}>
              Record referral
            </Button>
          </Stack>
        </form>
      )}
      {ref.referral && !ref.referral.decision && supervisor && (
        <form onSubmit={decisionForm.onSubmit((v) => decide.mutate(v))}>
          <Stack gap="xs" mt="sm">
            <ProblemAlert error={decide.error} />
            <Group grow>
              <Select
                label="IOPC decision"
                data={options(IOPC_DECISIONS)}
                {...decisionForm.getInputProps('decision')}
              />
              <DateInput
                label="Decided on"
                valueFormat="D MMM YYYY"
                {...decisionForm.getInputProps('decidedOn')}
              />
            </Group>
            <TextInput label="IOPC reference" {...decisionForm.getInputProps('iopcReference')} />
            <Button type="submit" size="xs" loading={decide.isPending}>
              Record decision
            </Button>
          </Stack>
        </form>
      )}
    </Card>
  );
}

const OUTCOME_FIELDS = [
  'criminalOutcome',
  'misconductFinding',
  'proceedings',
  'proceedingsResult',
  'misconductOutcome',
  'allegationResult',
] as const;

function OutcomeForm({ c, subject }: { c: Case; subject: Schemas['CaseSubjectView'] }) {
  const me = useMe();
  const done = useCaseAction()(c.id);
  const existing = c.outcomes.find((o) => o.workforceMemberId === subject.workforceMemberId);
  const form = useForm({
    initialValues: Object.fromEntries(
      OUTCOME_FIELDS.map((f) => [f, (existing?.[f] as string | null) ?? null]),
    ) as Record<(typeof OUTCOME_FIELDS)[number], string | null>,
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(
        api.PUT('/api/v1/cases/{id}/subjects/{workforceMemberId}/outcome', {
          params: { path: { id: c.id, workforceMemberId: subject.workforceMemberId } },
          body: {
            ...(Object.fromEntries(
              Object.entries(v).filter(([, x]) => x),
            ) as Schemas['RecordOutcomeRequest']),
            version: existing?.version,
          },
        }),
      ),
    onSuccess: done,
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
  });
  const lists: Record<(typeof OUTCOME_FIELDS)[number], readonly string[]> = {
    criminalOutcome: CRIMINAL_OUTCOMES,
    misconductFinding: FINDINGS,
    proceedings: PROCEEDINGS,
    proceedingsResult: PROCEEDINGS_RESULTS,
    misconductOutcome: MISCONDUCT_OUTCOMES,
    allegationResult: ALLEGATION_RESULTS,
  };
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} aria-label={`Outcome for ${subject.name}`}>
      <Text fw={600}>
        {subject.name}{' '}
        <Text span c="dimmed" size="sm">
          ({subject.staffNumber}, {label(subject.memberType)})
        </Text>
      </Text>
      {existing?.missing.length ? (
        <Text size="sm" c="orange">
          Still needed: {existing.missing.map(label).join(', ')}
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 3 }} mt="xs">
        {OUTCOME_FIELDS.map((f) => (
          <Select
            key={f}
            label={label(f.replace(/([A-Z])/g, '_$1').toLowerCase())}
            data={options(lists[f])}
            clearable
            {...form.getInputProps(f)}
          />
        ))}
      </SimpleGrid>
      {hasRole(me, 'supervisor') && c.status !== 'closed' && (
        <Button type="submit" size="xs" mt="sm" loading={save.isPending}>
          Save outcome
        </Button>
      )}
      {save.error && !(save.error instanceof ApiError && save.error.problem?.errors?.length) ? (
        <ProblemAlert error={save.error} />
      ) : null}
    </form>
  );
}

function Notes({ c }: { c: Case }) {
  const done = useCaseAction()(c.id);
  const form = useForm({ initialValues: { text: '' } });
  const add = useMutation({
    mutationFn: (text: string) =>
      unwrap(api.POST('/api/v1/cases/{id}/notes', { params: { path: { id: c.id } }, body: { text } })),
    onSuccess: () => {
      form.reset();
      done();
    },
  });
  const update = useMutation({
    mutationFn: (recipients: Schemas['UpdateRecipient']) =>
      unwrap(
        api.POST('/api/v1/cases/{id}/updates', { params: { path: { id: c.id } }, body: { recipients } }),
      ),
    onSuccess: done,
  });
  return (
    <Stack gap="xs">
      <ProblemAlert error={add.error ?? update.error} />
      <form onSubmit={form.onSubmit((v) => add.mutate(v.text))}>
        <Textarea label="Add a note" autosize minRows={2} {...form.getInputProps('text')} />
        <Button type="submit" size="xs" mt="xs" loading={add.isPending}>
          Add note
        </Button>
      </form>
      <Group gap="xs">
        <Text size="sm">Record an update given to:</Text>
        <Button size="xs" variant="default" onClick={() => update.mutate('subject')}>
          Subject
        </Button>
        <Button size="xs" variant="default" onClick={() => update.mutate('complainant')}>
          Complainant
        </Button>
        <Button size="xs" variant="default" onClick={() => update.mutate('both')}>
          Both
        </Button>
      </Group>
    </Stack>
  );
}

export function CasePage() {
  const { id } = useParams({ from: '/cases/$id' });
  const kase = useQuery({
    queryKey: ['case', id],
    queryFn: () => unwrap(api.GET('/api/v1/cases/{id}', { params: { path: { id } } })),
  });
  const timeline = useQuery({
    queryKey: ['case', id, 'timeline'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/cases/{id}/timeline', { params: { path: { id }, query: { limit: 100 } } })),
  });
  if (!kase.data) return <QueryState query={kase} what="Loading the case" />;
  const c = kase.data;
  const t = c.timeliness;
  return (
    <>
      <PageTitle
        right={
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                downloadCsv(`/api/v1/cases/${c.id}/file.pdf`, `${c.reference}.pdf`).catch((e: Error) =>
                  notifications.show({ color: 'red', message: e.message }),
                );
              }}
            >
              Case file (PDF)
            </Button>
            <StateBadge state={c.status} />
          </Group>
        }
      >
        Case {c.reference}
      </PageTitle>
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            <Card withBorder>
              <Group gap="xl">
                <div>
                  <Text size="xs" c="dimmed">
                    Type
                  </Text>
                  <Text>
                    {label(c.caseType)} · {label(c.matterType)}
                  </Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Category
                  </Text>
                  <Text>{label(c.primaryCategory)}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Investigator
                  </Text>
                  <Text>{c.investigatorId ? (c.investigatorName ?? 'Unknown user') : 'Nobody'}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Supervisor
                  </Text>
                  <Text>{c.supervisorId ? (c.supervisorName ?? 'Unknown user') : 'Nobody'}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Came to attention
                  </Text>
                  <Text>{day(c.cameToAttentionOn)}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Next update
                  </Text>
                  <Overdue overdue={t.updateOverdue} due={t.nextUpdateDue} />
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    12-month mark
                  </Text>
                  <Text c={t.pastPccMark ? 'orange.9' : undefined}>{day(t.pccReportDue)}</Text>
                </div>
              </Group>
              <Text mt="sm">{c.allegationSummary}</Text>
            </Card>
            <Tabs defaultValue="outcomes">
              <Tabs.List>
                <Tabs.Tab value="outcomes">Subjects and outcomes</Tabs.Tab>
                <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
                <Tabs.Tab value="severity">Severity</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="outcomes" pt="md">
                <Stack>
                  {c.subjects.map((s) => (
                    <Card withBorder key={s.workforceMemberId}>
                      <OutcomeForm c={c} subject={s} />
                    </Card>
                  ))}
                </Stack>
              </Tabs.Panel>
              <Tabs.Panel value="timeline" pt="md">
                <Card withBorder mb="md">
                  <Notes c={c} />
                </Card>
                <QueryState query={timeline} what="Loading the timeline" />
                <Timeline bulletSize={12} lineWidth={2}>
                  {timeline.data?.items.map((e) => (
                    <Timeline.Item key={e.id} title={label(e.kind)}>
                      <Text size="xs" c="dimmed">
                        {dateTime(e.occurredAt)} · {e.actorName ?? (e.actorId ? 'Unknown user' : 'Lantern')}
                      </Text>
                      {e.note && <Text size="sm">{e.note}</Text>}
                    </Timeline.Item>
                  ))}
                </Timeline>
              </Tabs.Panel>
              <Tabs.Panel value="severity" pt="md">
                <SeverityPanel c={c} />
              </Tabs.Panel>
            </Tabs>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <StatusActions c={c} />
            <Referral c={c} />
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

function SeverityPanel({ c }: { c: Case }) {
  const name = useUserNames();
  const done = useCaseAction()(c.id);
  const form = useForm({ initialValues: { severity: c.severity ?? 'misconduct', reason: '' } });
  const assess = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(
        api.POST('/api/v1/cases/{id}/severity', {
          params: { path: { id: c.id } },
          body: { severity: v.severity, reason: v.reason, version: c.version },
        }),
      ),
    onSuccess: done,
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
  });
  return (
    <Stack>
      <Table>
        <Table.Tbody>
          {c.severityHistory.map((s) => (
            <Table.Tr key={s.assessedAt}>
              <Table.Td>{label(s.severity)}</Table.Td>
              <Table.Td>{s.reason}</Table.Td>
              <Table.Td>{name(s.assessedBy)}</Table.Td>
              <Table.Td>{day(s.assessedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {c.status !== 'closed' && (
        <form onSubmit={form.onSubmit((v) => assess.mutate(v))}>
          <ProblemAlert error={assess.error} />
          <Group align="end">
            <Select label="Severity" data={options(SEVERITIES)} {...form.getInputProps('severity')} />
            <TextInput label="Reason" {...form.getInputProps('reason')} w={300} />
            <Button type="submit" size="xs">
              Assess
            </Button>
          </Group>
        </form>
      )}
    </Stack>
  );
}
