import {
  Badge,
  Button,
  Grid,
  Group,
  List,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Timeline,
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
import { nameOr } from '../components/lists';
import { Fact, Facts, Section } from '../components/section';
import { DataTable } from '../components/table';
import {
  dateTime,
  day,
  fieldLabel,
  label,
  options,
  Overdue,
  PageTitle,
  ProblemAlert,
  QueryState,
  showOn,
  StateBadge,
  today,
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

/**
 * What the API would refuse a close for, said before anyone tries (the API's rule: a supervisor, and each
 * subject's outcome complete and confirmed; each outcome's `missing` is the API's own list).
 */
export function closeBlockers(c: Case): string[] {
  const blockers = c.supervisorId ? [] : ['The case has no supervisor'];
  for (const s of c.subjects) {
    const o = c.outcomes.find((x) => x.workforceMemberId === s.workforceMemberId);
    for (const m of o ? o.missing : ['outcome'])
      blockers.push(
        `${s.name}: ${
          m === 'outcome'
            ? 'no outcome recorded'
            : m === 'confirmation'
              ? 'outcome to be confirmed by a supervisor who did not propose it'
              : fieldLabel(m).toLowerCase()
        }`,
      );
  }
  return blockers;
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
  const blockers = c.status === 'closed' ? [] : closeBlockers(c);
  const closable = c.status === 'under_investigation' || c.status === 'awaiting_outcome';
  return (
    <Section title="Status" data-testid="status-actions">
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
        {hasRole(me, 'supervisor') && closable && (
          <Button
            size="xs"
            color="dark"
            disabled={blockers.length > 0}
            aria-describedby={blockers.length ? `close-blockers-${c.id}` : undefined}
            loading={act.isPending && act.variables === 'close'}
            onClick={() => act.mutate('close')}
          >
            Close case
          </Button>
        )}
      </Group>
      {c.status === 'closed' && (
        <Text size="sm" mt="sm">
          Closed {day(c.finalisedAt)}
        </Text>
      )}
      {blockers.length > 0 && (
        <div id={`close-blockers-${c.id}`}>
          <Text size="sm" mt="sm" fw={600}>
            Before it can close:
          </Text>
          <List size="sm" data-testid="close-blockers">
            {blockers.map((m) => (
              <List.Item key={m}>{m}</List.Item>
            ))}
          </List>
        </div>
      )}
    </Section>
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
    onError: showOn(referForm),
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
    onError: showOn(decisionForm),
  });
  const supervisor = hasRole(me, 'supervisor');
  return (
    <Section title="IOPC referral">
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
                allowDeselect={false}
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
                allowDeselect={false}
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
    </Section>
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
    onError: showOn(form),
  });
  const confirm = useMutation({
    mutationFn: (version: number) =>
      unwrap(
        api.POST('/api/v1/cases/{id}/subjects/{workforceMemberId}/outcome/confirm', {
          params: { path: { id: c.id, workforceMemberId: subject.workforceMemberId } },
          body: { version },
        }),
      ),
    onSuccess: done,
  });
  const supervisor = hasRole(me, 'supervisor') && c.status !== 'closed';
  const proposedByMe = existing?.recordedBy === me.id;
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
      {existing && (
        <Text size="sm" data-testid="outcome-state">
          Proposed by {existing.recordedByName ?? 'an unknown user'} on {day(existing.recordedAt)}
          {existing.confirmed
            ? ` · confirmed by ${existing.confirmedByName ?? (existing.confirmedBy ? 'an unknown user' : 'no one (recorded as final)')}${existing.confirmedAt ? ` on ${day(existing.confirmedAt)}` : ''}`
            : ' · not confirmed yet'}
        </Text>
      )}
      {existing?.missing.length ? (
        <Text size="sm" c="orange.9">
          Still needed: {existing.missing.map(fieldLabel).join(', ')}
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 3 }} mt="xs">
        {OUTCOME_FIELDS.map((f) => (
          <Select
            key={f}
            label={fieldLabel(f)}
            data={options(lists[f])}
            clearable
            {...form.getInputProps(f)}
          />
        ))}
      </SimpleGrid>
      {supervisor && (
        <Group gap="xs" mt="sm">
          <Button type="submit" size="xs" loading={save.isPending}>
            Save outcome
          </Button>
          {existing && !existing.confirmed && !proposedByMe && (
            <Button
              type="button"
              size="xs"
              color="green.9"
              loading={confirm.isPending}
              onClick={() => confirm.mutate(existing.version)}
            >
              Confirm outcome
            </Button>
          )}
          {existing && !existing.confirmed && proposedByMe && (
            <Text size="sm" c="dimmed">
              You proposed it: another supervisor confirms it.
            </Text>
          )}
        </Group>
      )}
      {save.error && !(save.error instanceof ApiError && save.error.problem?.errors?.length) ? (
        <ProblemAlert error={save.error} />
      ) : null}
      <ProblemAlert error={confirm.error} />
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
            <Section>
              <Facts>
                <Fact label="Type">{`${label(c.caseType)} · ${label(c.matterType)}`}</Fact>
                <Fact label="Category">{label(c.primaryCategory)}</Fact>
                <Fact label="Investigator">{nameOr(c.investigatorName, c.investigatorId, 'Nobody')}</Fact>
                <Fact label="Supervisor">{nameOr(c.supervisorName, c.supervisorId, 'Nobody')}</Fact>
                <Fact label="Came to attention">{day(c.cameToAttentionOn)}</Fact>
                <Fact label="Next update">
                  <Overdue overdue={t.updateOverdue} due={t.nextUpdateDue} />
                </Fact>
                <Fact label="12-month mark">
                  <Text c={t.pastPccMark ? 'orange.9' : undefined}>{day(t.pccReportDue)}</Text>
                </Fact>
              </Facts>
              <Text mt="sm">{c.allegationSummary}</Text>
            </Section>
            <Tabs defaultValue="outcomes">
              <Tabs.List>
                <Tabs.Tab value="outcomes">Subjects and outcomes</Tabs.Tab>
                <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
                <Tabs.Tab value="severity">Severity</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="outcomes" pt="md">
                <Stack>
                  {c.subjects.map((s) => (
                    <Section key={s.workforceMemberId}>
                      <OutcomeForm c={c} subject={s} />
                    </Section>
                  ))}
                </Stack>
              </Tabs.Panel>
              <Tabs.Panel value="timeline" pt="md">
                <Section mb="md">
                  <Notes c={c} />
                </Section>
                <QueryState query={timeline} what="Loading the timeline" />
                <Timeline bulletSize={12} lineWidth={2}>
                  {timeline.data?.items.map((e) => (
                    <Timeline.Item key={e.id} title={label(e.kind)}>
                      <Text size="xs" c="dimmed">
                        {dateTime(e.occurredAt)} · {nameOr(e.actorName, e.actorId, 'Lantern')}
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
    onError: showOn(form),
  });
  const subject = (id: string | null) =>
    id ? (c.subjects.find((s) => s.workforceMemberId === id)?.name ?? 'A subject') : 'Every subject';
  return (
    <Stack>
      <DataTable
        testId="severity-history"
        rows={c.severityHistory}
        rowKey={(h, i) => `${h.assessedAt}-${i}`}
        empty="No severity assessed yet."
        columns={[
          { header: 'Severity', cell: (h) => label(h.severity) },
          { header: 'Subject', cell: (h) => subject(h.workforceMemberId) },
          { header: 'Reason', cell: (h) => h.reason },
          { header: 'Assessed by', cell: (h) => h.assessedByName ?? 'Unknown user' },
          { header: 'On', cell: (h) => day(h.assessedAt), nowrap: true },
        ]}
      />
      {c.status !== 'closed' && (
        <form onSubmit={form.onSubmit((v) => assess.mutate(v))}>
          <ProblemAlert error={assess.error} />
          <Group align="end">
            <Select
              label="Severity"
              data={options(SEVERITIES)}
              allowDeselect={false}
              {...form.getInputProps('severity')}
            />
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
