import { Badge, Button, Grid, Group, List, Select, Stack, Text, Textarea, Timeline } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { CASE_TYPES, DECISIONS, MATTER_TYPES } from '../codes';
import { grading } from '../components/lists';
import { Fact, Facts, Section } from '../components/section';
import { DataTable } from '../components/table';
import { hasRole, useMe } from '../session';
import {
  AnchorLink,
  dateTime,
  day,
  label,
  options,
  Overdue,
  PageTitle,
  ProblemAlert,
  QueryState,
  showOn,
  StateBadge,
  useAnalysts,
} from '../ui';

type Report = Schemas['IntelligenceView'];

function AssignAction({ report, onDone }: { report: Report; onDone: () => void }) {
  const analysts = useAnalysts();
  const [assignee, setAssignee] = useState<string | null>(report.assigneeId);
  const assign = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/intelligence/{id}/assign', {
          params: { path: { id: report.id } },
          body: { assigneeId: assignee! },
        }),
      ),
    onSuccess: onDone,
  });
  return (
    <Stack gap="xs">
      <ProblemAlert error={assign.error} />
      <Group align="end">
        <Select
          label="Assign to"
          data={analysts}
          value={assignee}
          onChange={setAssignee}
          searchable
          w={240}
        />
        <Button onClick={() => assign.mutate()} disabled={!assignee} loading={assign.isPending}>
          Assign
        </Button>
      </Group>
    </Stack>
  );
}

function SubmitAction({ report, onDone }: { report: Report; onDone: () => void }) {
  const form = useForm({ initialValues: { assessmentText: '', recommendedDecision: 'development' } });
  const submit = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(
        api.POST('/api/v1/intelligence/{id}/submit-for-review', {
          params: { path: { id: report.id } },
          body: {
            assessmentText: v.assessmentText,
            recommendedDecision: v.recommendedDecision as Schemas['ReviewDecision'],
          },
        }),
      ),
    onSuccess: onDone,
    onError: showOn(form),
  });
  return (
    <form onSubmit={form.onSubmit((v) => submit.mutate(v))}>
      <Stack gap="xs">
        <ProblemAlert error={submit.error} />
        <Textarea
          label="Assessment"
          required
          autosize
          minRows={3}
          {...form.getInputProps('assessmentText')}
        />
        <Select
          label="Recommended decision"
          data={options(DECISIONS)}
          {...form.getInputProps('recommendedDecision')}
        />
        <Button type="submit" loading={submit.isPending}>
          Submit for review
        </Button>
      </Stack>
    </form>
  );
}

function ReviewAction({ report, onDone }: { report: Report; onDone: (r: Report) => void }) {
  const latest = report.assessments.at(-1);
  const form = useForm({
    initialValues: {
      decision: latest?.recommendedDecision ?? 'development',
      reason: '',
      reviewDate: null as string | null,
      caseType: 'misconduct',
      matterType: 'conduct_matter',
      recipient: '',
      conditionsConfirmed: false,
    },
  });
  const v = form.values;
  const review = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/intelligence/{id}/review', {
          params: { path: { id: report.id } },
          body: {
            decision: v.decision,
            reason: v.reason || undefined,
            reviewDate: v.decision === 'development' && v.reviewDate ? v.reviewDate.slice(0, 10) : undefined,
            caseType: v.decision === 'referred_to_case' ? (v.caseType as Schemas['CaseType']) : undefined,
            matterType:
              v.decision === 'referred_to_case' ? (v.matterType as Schemas['MatterType']) : undefined,
            recipient: v.decision === 'disseminated' ? v.recipient : undefined,
            conditionsConfirmed:
              v.decision === 'disseminated' && report.grading.handlingCode === 'C'
                ? v.conditionsConfirmed
                : undefined,
          },
        }),
      ),
    onSuccess: onDone,
    onError: showOn(form),
  });
  const sendBack = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/intelligence/{id}/send-back', {
          params: { path: { id: report.id } },
          body: { reason: v.reason },
        }),
      ),
    onSuccess: onDone,
    onError: showOn(form),
  });
  return (
    <form onSubmit={form.onSubmit(() => review.mutate())}>
      <Stack gap="xs">
        <ProblemAlert error={review.error ?? sendBack.error} />
        <Select
          label="Decision"
          data={options(DECISIONS)}
          allowDeselect={false}
          {...form.getInputProps('decision')}
        />
        <Textarea label="Reason" autosize minRows={2} {...form.getInputProps('reason')} />
        {v.decision === 'development' && (
          <DateInput label="Review date" valueFormat="D MMM YYYY" {...form.getInputProps('reviewDate')} />
        )}
        {v.decision === 'referred_to_case' && (
          <Group grow>
            <Select label="Case type" data={options(CASE_TYPES)} {...form.getInputProps('caseType')} />
            <Select label="Matter type" data={options(MATTER_TYPES)} {...form.getInputProps('matterType')} />
          </Group>
        )}
        {v.decision === 'disseminated' && <Textarea label="Recipient" {...form.getInputProps('recipient')} />}
        <Button type="submit" loading={review.isPending}>
          Record decision
        </Button>
        <Button variant="default" loading={sendBack.isPending} onClick={() => sendBack.mutate()}>
          Send back to the analyst (with the reason)
        </Button>
      </Stack>
    </form>
  );
}

export function ReportPage() {
  const { id } = useParams({ from: '/intelligence/$id' });
  const me = useMe();
  const queryClient = useQueryClient();
  const report = useQuery({
    queryKey: ['intelligence', id],
    queryFn: () => unwrap(api.GET('/api/v1/intelligence/{id}', { params: { path: { id } } })),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['intelligence'] });
    void queryClient.invalidateQueries({ queryKey: ['queue'] });
    notifications.show({ message: 'Saved', color: 'green' });
  };
  if (!report.data) return <QueryState query={report} what="Loading the report" />;
  const r = report.data;
  const g = r.grading;
  const supervisor = hasRole(me, 'supervisor');
  const canSubmit =
    (r.state === 'in_assessment' || r.state === 'development') && (r.assigneeId === me.id || supervisor);
  return (
    <>
      <PageTitle right={<StateBadge state={r.state} />}>Report {r.reference}</PageTitle>
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            <Section>
              <Facts>
                <Fact label="Grading">
                  <Text fw={700} size="xl" data-testid="grading">
                    {grading(g)}
                  </Text>
                  <Text size="xs">{g.scheme}</Text>
                </Fact>
                <Fact label="Category">
                  <Text>{label(r.primaryCategory)}</Text>
                  {r.secondaryCategories.length > 0 && (
                    <Text size="sm">also {r.secondaryCategories.map(label).join(', ')}</Text>
                  )}
                </Fact>
                <Fact label="Received">
                  <Text>{dateTime(r.receivedAt)}</Text>
                  <Text size="sm">
                    {label(r.receiptMethod)} · {label(r.sourceType)}
                  </Text>
                </Fact>
                <Fact label="Due">
                  <Overdue overdue={r.overdue} due={r.dueDate} />
                  <Text size="sm">{r.ageDays} days old</Text>
                </Fact>
              </Facts>
              {g.handlingConditions && (
                <Text size="sm" mt="sm">
                  Handling conditions: {g.handlingConditions}
                </Text>
              )}
              {r.vulnerablePerson && (
                <Badge color="red.9" mt="sm">
                  Vulnerable person{r.vulnerablePersonNote ? `: ${r.vulnerablePersonNote}` : ''}
                </Badge>
              )}
            </Section>
            <Section title="Narrative">
              <Text style={{ whiteSpace: 'pre-wrap' }}>{r.narrative}</Text>
            </Section>
            <Section title="Subjects">
              <DataTable
                rows={r.subjects}
                rowKey={(x) => x.workforceMemberId}
                empty="No subjects recorded."
                striped={false}
                highlightOnHover={false}
                columns={[
                  {
                    header: 'Name',
                    cell: (x) =>
                      supervisor ? (
                        <AnchorLink to="/people/$id" params={{ id: x.workforceMemberId }}>
                          {x.givenName} {x.familyName}
                        </AnchorLink>
                      ) : (
                        `${x.givenName} ${x.familyName}`
                      ),
                  },
                  { header: 'Staff number', cell: (x) => x.staffNumber },
                  { header: 'Role', cell: (x) => label(x.role) },
                ]}
              />
            </Section>
            <Section title="Assessment history">
              {r.assessments.length === 0 && r.reviews.length === 0 ? (
                <Text c="dimmed">Not assessed yet.</Text>
              ) : (
                <Timeline bulletSize={14} lineWidth={2}>
                  {r.assessments.map((a) => (
                    <Timeline.Item
                      key={a.id}
                      title={`Assessment ${a.versionNo} by ${a.submittedByName ?? 'an unknown user'}`}
                    >
                      <Text size="xs" c="dimmed">
                        {dateTime(a.submittedAt)} · recommends {label(a.recommendedDecision)}
                      </Text>
                      <Text size="sm">{a.assessmentText}</Text>
                      {a.sentBack && (
                        <Text size="sm" c="orange">
                          Sent back by {a.sentBack.sentBackByName ?? 'an unknown user'} on{' '}
                          {dateTime(a.sentBack.sentBackAt)}: {a.sentBack.reason}
                        </Text>
                      )}
                    </Timeline.Item>
                  ))}
                  {r.reviews.map((rv) => (
                    <Timeline.Item
                      key={rv.id}
                      title={`Review by ${rv.reviewedByName ?? 'an unknown user'}: ${label(rv.decision)}`}
                    >
                      <Text size="xs" c="dimmed">
                        {dateTime(rv.reviewedAt)}
                      </Text>
                      {rv.reason && <Text size="sm">{rv.reason}</Text>}
                      {rv.caseId && (
                        <AnchorLink to="/cases/$id" params={{ id: rv.caseId }}>
                          Open the case
                        </AnchorLink>
                      )}
                    </Timeline.Item>
                  ))}
                </Timeline>
              )}
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <Section title="Work">
              <Text size="sm">Recorded by {r.recordedByName ?? 'an unknown user'}</Text>
              <Text size="sm">
                Assigned to {r.assigneeId ? (r.assigneeName ?? 'an unknown user') : 'nobody'}
                {r.assignedAt ? ` on ${day(r.assignedAt)}` : ''}
              </Text>
              {r.referredCaseId && (
                <AnchorLink to="/cases/$id" params={{ id: r.referredCaseId }}>
                  Referred to a case
                </AnchorLink>
              )}
            </Section>
            {supervisor && ['received', 'in_assessment', 'development'].includes(r.state) && (
              <Section>
                <AssignAction report={r} onDone={refresh} />
              </Section>
            )}
            {canSubmit && (
              <Section>
                <SubmitAction report={r} onDone={refresh} />
              </Section>
            )}
            {supervisor && r.state === 'awaiting_review' && (
              <Section>
                <ReviewAction report={r} onDone={refresh} />
              </Section>
            )}
            <Section title="Possible duplicates">
              {r.possibleDuplicates.length === 0 ? (
                <Text c="dimmed" size="sm">
                  None found.
                </Text>
              ) : (
                <List size="sm">
                  {r.possibleDuplicates.map((d) => (
                    <List.Item key={d.id}>
                      <AnchorLink to="/intelligence/$id" params={{ id: d.id }}>
                        {d.reference}
                      </AnchorLink>
                    </List.Item>
                  ))}
                </List>
              )}
              {r.linkedReports.length > 0 && (
                <Text size="sm" mt="xs">
                  Linked: {r.linkedReports.map((l) => l.reference).join(', ')}
                </Text>
              )}
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
