import {
  Badge,
  Button,
  Card,
  Grid,
  Group,
  List,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { CASE_TYPES, DECISIONS, MATTER_TYPES } from '../codes';
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
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
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
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
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
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
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
            <Card withBorder>
              <Group gap="xl">
                <div>
                  <Text size="xs" c="dimmed">
                    Grading
                  </Text>
                  <Text fw={700} size="xl" data-testid="grading">
                    {g.sourceEvaluation}
                    {g.intelligenceAssessment}
                    {g.handlingCode}
                  </Text>
                  <Text size="xs">{g.scheme}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Category
                  </Text>
                  <Text>{label(r.primaryCategory)}</Text>
                  {r.secondaryCategories.length > 0 && (
                    <Text size="sm">also {r.secondaryCategories.map(label).join(', ')}</Text>
                  )}
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Received
                  </Text>
                  <Text>{dateTime(r.receivedAt)}</Text>
                  <Text size="sm">
                    {label(r.receiptMethod)} · {label(r.sourceType)}
                  </Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed">
                    Due
                  </Text>
                  <Overdue overdue={r.overdue} due={r.dueDate} />
                  <Text size="sm">{r.ageDays} days old</Text>
                </div>
              </Group>
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
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Narrative
              </Title>
              <Text style={{ whiteSpace: 'pre-wrap' }}>{r.narrative}</Text>
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Subjects
              </Title>
              {r.subjects.length === 0 ? (
                <Text c="dimmed">No subjects recorded.</Text>
              ) : (
                <Table>
                  <Table.Tbody>
                    {r.subjects.map((s) => (
                      <Table.Tr key={s.workforceMemberId}>
                        <Table.Td>
                          {supervisor ? (
                            <AnchorLink to="/people/$id" params={{ id: s.workforceMemberId }}>
                              {s.givenName} {s.familyName}
                            </AnchorLink>
                          ) : (
                            `${s.givenName} ${s.familyName}`
                          )}
                        </Table.Td>
                        <Table.Td>{s.staffNumber}</Table.Td>
                        <Table.Td>{label(s.role)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Assessment history
              </Title>
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
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Work
              </Title>
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
            </Card>
            {supervisor && ['received', 'in_assessment', 'development'].includes(r.state) && (
              <Card withBorder>
                <AssignAction report={r} onDone={refresh} />
              </Card>
            )}
            {canSubmit && (
              <Card withBorder>
                <SubmitAction report={r} onDone={refresh} />
              </Card>
            )}
            {supervisor && r.state === 'awaiting_review' && (
              <Card withBorder>
                <ReviewAction report={r} onDone={refresh} />
              </Card>
            )}
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Possible duplicates
              </Title>
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
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
