import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { dateTime, PageTitle, ProblemAlert, QueryState } from '../ui';

type Source = Schemas['SourceView'];

/** A key just made: shown once, here, with a copy button; never again (only its hash is kept). */
function KeyOnce({ made, onClose }: { made: Schemas['SourceWithKey'] | null; onClose: () => void }) {
  return (
    <Modal
      opened={!!made}
      onClose={onClose}
      title={`The key of ${made?.name ?? ''}`}
      closeButtonProps={{ 'aria-label': 'Close' }}
      size="lg"
    >
      {made && (
        <Stack>
          <Alert color="yellow.9" variant="light" title="Shown once">
            Copy this key now and give it to the system’s administrators: Lantern keeps only its hash and
            cannot show it again. The system sends it as the X-Source-Key header.
          </Alert>
          <Code block data-testid="source-key" style={{ wordBreak: 'break-all' }}>
            {made.key}
          </Code>
          <Group justify="space-between">
            <CopyButton value={made.key}>
              {({ copied, copy }) => (
                <Button variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy the key'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>I have copied it</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function CreateSource({ onMade }: { onMade: (s: Schemas['SourceWithKey']) => void }) {
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { name: '' } });
  const create = useMutation({
    mutationFn: (v: typeof form.values) => unwrap(api.POST('/api/v1/monitoring/sources', { body: v })),
    onSuccess: (s) => {
      form.reset();
      onMade(s);
      void queryClient.invalidateQueries({ queryKey: ['monitoring', 'sources'] });
    },
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
  });
  return (
    <form onSubmit={form.onSubmit((v) => create.mutate(v))}>
      <Stack gap="xs">
        <ProblemAlert error={create.error} />
        <Group align="end">
          <TextInput
            label="Name of the system"
            placeholder="Records management (Niche)"
            w={360}
            required
            {...form.getInputProps('name')}
          />
          <Button type="submit" loading={create.isPending}>
            Register and make a key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Rotate (a new key; the old one stops working) or revoke (events refused from now on), confirmed first. */
function KeyAction({
  source,
  action,
  onMade,
}: {
  source: Source;
  action: 'rotate' | 'revoke';
  onMade: (s: Schemas['SourceWithKey']) => void;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const run = useMutation({
    mutationFn: async (): Promise<Schemas['SourceWithKey'] | null> => {
      const params = { params: { path: { id: source.id } } };
      if (action === 'rotate') return unwrap(api.POST('/api/v1/monitoring/sources/{id}/rotate', params));
      await unwrap(api.POST('/api/v1/monitoring/sources/{id}/revoke', params));
      return null;
    },
    onSuccess: (s) => {
      setOpen(false);
      if (s) onMade(s);
      else notifications.show({ message: `The key of ${source.name} is revoked`, color: 'green' });
      void queryClient.invalidateQueries({ queryKey: ['monitoring', 'sources'] });
    },
  });
  const verb = action === 'rotate' ? 'Rotate' : 'Revoke';
  return (
    <>
      <Button
        size="xs"
        variant="default"
        color={action === 'revoke' ? 'red' : undefined}
        onClick={() => setOpen(true)}
      >
        {verb}
        <VisuallyHidden> the key of {source.name}</VisuallyHidden>
      </Button>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={`${verb} the key of ${source.name}?`}
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <Stack>
          <Text size="sm">
            {action === 'rotate'
              ? 'A new key is made and shown once; the current key stops working at once, so the system must be given the new one.'
              : 'The system’s events are refused from now on. Register it again to give it a new key.'}
          </Text>
          <ProblemAlert error={run.error} />
          <Group justify="end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color={action === 'revoke' ? 'red.9' : undefined}
              onClick={() => run.mutate()}
              loading={run.isPending}
            >
              {verb} the key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Admins: the systems that send access and contact events, and their keys (made, rotated, revoked). */
export function SourcesPage() {
  const [made, setMade] = useState<Schemas['SourceWithKey'] | null>(null);
  const sources = useQuery({
    queryKey: ['monitoring', 'sources'],
    queryFn: () => unwrap(api.GET('/api/v1/monitoring/sources', {})),
  });
  return (
    <>
      <PageTitle>Source systems</PageTitle>
      <Text size="sm" c="dimmed" mb="md" maw={820}>
        The force’s systems that send their access and contact events to ICT monitoring, each with its own
        key. A key is shown once, when it is made.
      </Text>
      <Card withBorder mb="md">
        <CreateSource onMade={setMade} />
      </Card>
      <KeyOnce made={made} onClose={() => setMade(null)} />
      <QueryState query={sources} what="Loading the source systems" />
      {sources.data &&
        (sources.data.length === 0 ? (
          <Text c="dimmed">No source system yet.</Text>
        ) : (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>System</Table.Th>
                <Table.Th>Key begins</Table.Th>
                <Table.Th>Registered</Table.Th>
                <Table.Th>Key rotated</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sources.data.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{s.name}</Table.Td>
                  <Table.Td>
                    <Code>{s.keyPrefix}…</Code>
                  </Table.Td>
                  <Table.Td>{dateTime(s.createdAt)}</Table.Td>
                  <Table.Td>{dateTime(s.rotatedAt)}</Table.Td>
                  <Table.Td>
                    {s.revokedAt ? (
                      <Badge color="gray" variant="dot">
                        Revoked {dateTime(s.revokedAt)}
                      </Badge>
                    ) : (
                      <Badge color="green" variant="dot">
                        Active
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {!s.revokedAt && (
                      <Group gap="xs" wrap="nowrap">
                        <KeyAction source={s} action="rotate" onMade={setMade} />
                        <KeyAction source={s} action="revoke" onMade={setMade} />
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ))}
    </>
  );
}
