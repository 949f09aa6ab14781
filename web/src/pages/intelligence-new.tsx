import {
  ActionIcon,
  Button,
  Card,
  Checkbox,
  Group,
  Input,
  MultiSelect,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { CATEGORIES, RECEIPT_METHODS, SOURCE_TYPES, SUBJECT_ROLES } from '../codes';
import { label, options, PageTitle, PersonPicker, personName, ProblemAlert } from '../ui';

type Grading = Schemas['GradingInput'];

interface Subject {
  person: Schemas['PersonView'];
  role: Schemas['SubjectRole'];
}

/** The 3x5x2 grading: source 1-3, intelligence A-E, handling P or C (conditions required for C). */
function GradingPicker({ form }: { form: ReturnType<typeof useNewReportForm> }) {
  const v = form.values.grading;
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Grading (3x5x2)
      </Text>
      <Stack gap="sm">
        <Input.Wrapper label="Source evaluation" error={form.errors['grading.sourceEvaluation']}>
          <SegmentedControl
            aria-label="Source evaluation"
            fullWidth
            data={[
              { value: '1', label: '1 · Reliable' },
              { value: '2', label: '2 · Untested' },
              { value: '3', label: '3 · Not reliable' },
            ]}
            {...form.getInputProps('grading.sourceEvaluation')}
          />
        </Input.Wrapper>
        <Input.Wrapper label="Intelligence assessment" error={form.errors['grading.intelligenceAssessment']}>
          <SegmentedControl
            aria-label="Intelligence assessment"
            fullWidth
            data={[
              { value: 'A', label: 'A · Known directly' },
              { value: 'B', label: 'B · Known indirectly' },
              { value: 'C', label: 'C · Not known' },
              { value: 'D', label: 'D · Not known' },
              { value: 'E', label: 'E · Suspected false' },
            ]}
            {...form.getInputProps('grading.intelligenceAssessment')}
          />
        </Input.Wrapper>
        <Input.Wrapper label="Handling" error={form.errors['grading.handlingCode']}>
          <SegmentedControl
            aria-label="Handling"
            data={[
              { value: 'P', label: 'P · Lawful sharing permitted' },
              { value: 'C', label: 'C · Sharing with conditions' },
            ]}
            {...form.getInputProps('grading.handlingCode')}
          />
        </Input.Wrapper>
        {v.handlingCode === 'C' && (
          <Textarea
            label="Handling conditions"
            withAsterisk
            autosize
            minRows={2}
            {...form.getInputProps('grading.handlingConditions')}
          />
        )}
      </Stack>
    </Card>
  );
}

function useNewReportForm() {
  return useForm({
    initialValues: {
      receivedAt: new Date().toISOString().slice(0, 16).replace('T', ' '),
      receiptMethod: 'reporting_line',
      sourceType: 'colleague',
      grading: {
        sourceEvaluation: '2',
        intelligenceAssessment: 'B',
        handlingCode: 'P',
        handlingConditions: '',
      },
      primaryCategory: '',
      secondaryCategories: [] as string[],
      vulnerablePerson: false,
      vulnerablePersonNote: '',
      narrative: '',
    },
    validate: {
      primaryCategory: (v) => (v ? null : 'Choose the main category'),
      narrative: (v) => (v.trim() ? null : 'Say what was reported'),
      grading: {
        handlingConditions: (v, values) =>
          values.grading.handlingCode === 'C' && !v.trim() ? 'Required for handling code C' : null,
      },
    },
  });
}

export function NewReportPage() {
  const navigate = useNavigate();
  const form = useNewReportForm();
  const [subjects, setSubjects] = useState<Subject[]>([]);
  const [pickerKey, setPickerKey] = useState(0);
  const create = useMutation({
    mutationFn: (values: typeof form.values) =>
      unwrap(
        api.POST('/api/v1/intelligence', {
          body: {
            receivedAt: new Date(values.receivedAt ?? Date.now()).toISOString(),
            receiptMethod: values.receiptMethod as Schemas['ReceiptMethod'],
            sourceType: values.sourceType as Schemas['SourceType'],
            grading: {
              scheme: '3x5x2',
              sourceEvaluation: values.grading.sourceEvaluation as Grading['sourceEvaluation'],
              intelligenceAssessment: values.grading
                .intelligenceAssessment as Grading['intelligenceAssessment'],
              handlingCode: values.grading.handlingCode as Grading['handlingCode'],
              handlingConditions:
                values.grading.handlingCode === 'C' ? values.grading.handlingConditions : undefined,
            },
            primaryCategory: values.primaryCategory as Schemas['CorruptionCategory'],
            secondaryCategories: values.secondaryCategories as Schemas['CorruptionCategory'][],
            subjects: subjects.map((s) => ({ workforceMemberId: s.person.id, role: s.role })),
            vulnerablePerson: values.vulnerablePerson,
            vulnerablePersonNote: values.vulnerablePerson
              ? values.vulnerablePersonNote || undefined
              : undefined,
            narrative: values.narrative,
          },
        }),
      ),
    onSuccess: (report) => void navigate({ to: '/intelligence/$id', params: { id: report.id } }),
    onError: (error) => error instanceof ApiError && form.setErrors(error.fieldErrors),
  });
  return (
    <>
      <PageTitle>Record intelligence</PageTitle>
      <ProblemAlert error={create.error} />
      <form onSubmit={form.onSubmit((values) => create.mutate(values))}>
        <Stack maw={900}>
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <DateTimePicker
              label="Received"
              valueFormat="D MMM YYYY HH:mm"
              {...form.getInputProps('receivedAt')}
            />
            <Select
              label="Receipt method"
              data={options(RECEIPT_METHODS)}
              {...form.getInputProps('receiptMethod')}
            />
            <Select label="Source type" data={options(SOURCE_TYPES)} {...form.getInputProps('sourceType')} />
          </SimpleGrid>
          <GradingPicker form={form} />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Select
              label="Main category"
              required
              searchable
              data={options(CATEGORIES)}
              {...form.getInputProps('primaryCategory')}
            />
            <MultiSelect
              label="Other categories"
              data={options(CATEGORIES)}
              {...form.getInputProps('secondaryCategories')}
            />
          </SimpleGrid>
          <Card withBorder>
            <Text fw={600} mb="xs">
              Subjects
            </Text>
            <PersonPicker
              key={pickerKey}
              label="Add a person"
              onPick={(person) => {
                if (person && !subjects.some((s) => s.person.id === person.id)) {
                  setSubjects([...subjects, { person, role: 'subject' }]);
                  setPickerKey(pickerKey + 1);
                }
              }}
              error={form.errors.subjects}
            />
            {subjects.length > 0 && (
              <Table mt="sm">
                <Table.Tbody>
                  {subjects.map((s, i) => (
                    <Table.Tr key={s.person.id}>
                      <Table.Td>{personName(s.person)}</Table.Td>
                      <Table.Td>{s.person.departmentName ?? ''}</Table.Td>
                      <Table.Td w={180}>
                        <Select
                          aria-label={`Role of ${s.person.givenName} ${s.person.familyName}`}
                          data={options(SUBJECT_ROLES)}
                          value={s.role}
                          allowDeselect={false}
                          onChange={(role) =>
                            setSubjects(
                              subjects.map((x, j) =>
                                j === i ? { ...x, role: role as Schemas['SubjectRole'] } : x,
                              ),
                            )
                          }
                        />
                      </Table.Td>
                      <Table.Td w={40}>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={`Remove ${s.person.givenName} ${s.person.familyName}`}
                          onClick={() => setSubjects(subjects.filter((_, j) => j !== i))}
                        >
                          ×
                        </ActionIcon>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
          <Checkbox
            label="A vulnerable person is involved"
            {...form.getInputProps('vulnerablePerson', { type: 'checkbox' })}
          />
          {form.values.vulnerablePerson && (
            <Textarea
              label="About the vulnerable person"
              autosize
              minRows={2}
              {...form.getInputProps('vulnerablePersonNote')}
            />
          )}
          <Textarea label="Narrative" required autosize minRows={6} {...form.getInputProps('narrative')} />
          <Group>
            <Button type="submit" loading={create.isPending}>
              Record report
            </Button>
            <Text size="sm" c="dimmed">
              {label('3x5x2')} grading {form.values.grading.sourceEvaluation}
              {form.values.grading.intelligenceAssessment}
              {form.values.grading.handlingCode}
            </Text>
          </Group>
        </Stack>
      </form>
    </>
  );
}
