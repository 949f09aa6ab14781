import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  Input,
  MultiSelect,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  VisuallyHidden,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { Section } from '../components/section';
import { DataTable } from '../components/table';
import { CATEGORIES, RECEIPT_METHODS, SOURCE_TYPES, SUBJECT_ROLES } from '../codes';
import { label, options, PageTitle, PersonPicker, personName, ProblemAlert, showOn } from '../ui';

type Grading = Schemas['GradingInput'];

interface Subject {
  person: Schemas['PersonView'];
  role: Schemas['SubjectRole'];
}

type GradingField = 'sourceEvaluation' | 'intelligenceAssessment' | 'handlingCode';

/** One part of the grading: a segmented choice, its problem shown on it. */
function GradingChoice({
  form,
  field,
  label: name,
  data,
}: {
  form: ReturnType<typeof useNewReportForm>;
  field: GradingField;
  label: string;
  data: { value: string; label: string }[];
}) {
  return (
    <Input.Wrapper label={name} error={form.errors[`grading.${field}`]}>
      <SegmentedControl
        aria-label={name}
        fullWidth={field !== 'handlingCode'}
        data={data}
        {...form.getInputProps(`grading.${field}`)}
      />
    </Input.Wrapper>
  );
}

/** A grading choice: its code, then what it means. */
const choice = (value: string, meaning: string) => ({ value, label: `${value} · ${meaning}` });

/** The three parts of a 3x5x2 grading and their choices. */
const GRADING: { field: GradingField; label: string; data: { value: string; label: string }[] }[] = [
  {
    field: 'sourceEvaluation',
    label: 'Source evaluation',
    data: [choice('1', 'Reliable'), choice('2', 'Untested'), choice('3', 'Not reliable')],
  },
  {
    field: 'intelligenceAssessment',
    label: 'Intelligence assessment',
    data: [
      choice('A', 'Known directly'),
      choice('B', 'Known indirectly'),
      choice('C', 'Not known'),
      choice('D', 'Not known'),
      choice('E', 'Suspected false'),
    ],
  },
  {
    field: 'handlingCode',
    label: 'Handling',
    data: [choice('P', 'Lawful sharing permitted'), choice('C', 'Sharing with conditions')],
  },
];

/** The 3x5x2 grading: source 1-3, intelligence A-E, handling P or C (conditions required for C). */
function GradingPicker({ form }: { form: ReturnType<typeof useNewReportForm> }) {
  const v = form.values.grading;
  return (
    <Section title="Grading (3x5x2)">
      <Stack gap="sm">
        {GRADING.map((g) => (
          <GradingChoice key={g.field} form={form} {...g} />
        ))}
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
    </Section>
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
    onError: showOn(form),
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
          <Section title="Subjects">
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
              <DataTable
                mt="sm"
                rows={subjects}
                rowKey={(x) => x.person.id}
                empty=""
                striped={false}
                highlightOnHover={false}
                columns={[
                  { header: 'Person', cell: (x) => personName(x.person) },
                  { header: 'Department', cell: (x) => x.person.departmentName ?? '' },
                  {
                    header: 'Role in the report',
                    cell: (x) => (
                      <Select
                        w={180}
                        aria-label={`Role of ${x.person.givenName} ${x.person.familyName}`}
                        data={options(SUBJECT_ROLES)}
                        value={x.role}
                        allowDeselect={false}
                        onChange={(role) =>
                          setSubjects(
                            subjects.map((y) =>
                              y.person.id === x.person.id
                                ? { ...y, role: role as Schemas['SubjectRole'] }
                                : y,
                            ),
                          )
                        }
                      />
                    ),
                  },
                  {
                    header: <VisuallyHidden>Remove</VisuallyHidden>,
                    cell: (x) => (
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${x.person.givenName} ${x.person.familyName}`}
                        onClick={() => setSubjects(subjects.filter((y) => y.person.id !== x.person.id))}
                      >
                        ×
                      </ActionIcon>
                    ),
                  },
                ]}
              />
            )}
          </Section>
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
