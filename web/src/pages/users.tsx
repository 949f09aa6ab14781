import {
  Badge,
  Button,
  Group,
  Modal,
  MultiSelect,
  Stack,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { ROLES } from '../codes';
import { Section } from '../components/section';
import { DataTable } from '../components/table';
import { label, options, PageTitle, PersonPicker, personName, ProblemAlert, QueryState, showOn } from '../ui';

function RolesEditor({ user }: { user: Schemas['UserView'] }) {
  const queryClient = useQueryClient();
  const [roles, setRoles] = useState<string[]>(user.roles);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/users/{id}/roles', {
          params: { path: { id: user.id } },
          body: { roles: roles as Schemas['Role'][], version: user.version },
        }),
      ),
    onSuccess: () => {
      notifications.show({ message: `Roles of ${user.displayName} saved`, color: 'green' });
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => notifications.show({ title: 'Not saved', message: e.message, color: 'red' }),
  });
  const changed = roles.join() !== user.roles.join();
  return (
    <Group gap="xs" wrap="nowrap">
      <MultiSelect
        aria-label={`Roles of ${user.displayName}`}
        size="xs"
        data={options(ROLES)}
        value={roles}
        onChange={setRoles}
        w={300}
      />
      {changed && (
        <Button size="xs" onClick={() => save.mutate()} loading={save.isPending}>
          Save
        </Button>
      )}
    </Group>
  );
}

/** Link the user to a workforce member (or remove the link): what the conflict-of-interest rules hang on. */
function LinkPerson({ user }: { user: Schemas['UserView'] }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [person, setPerson] = useState<Schemas['PersonView'] | null>(null);
  const link = useMutation({
    mutationFn: (workforceMemberId: string | null) =>
      unwrap(
        api.PUT('/api/v1/users/{id}/workforce-member', {
          params: { path: { id: user.id } },
          body: { workforceMemberId, version: user.version },
        }),
      ),
    onSuccess: (saved) => {
      notifications.show({
        message: saved.workforceMemberId
          ? `${user.displayName} linked to ${person ? personName(person) : 'their workforce record'}`
          : `${user.displayName} no longer linked`,
        color: 'green',
      });
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  return (
    <>
      <Group gap="xs" wrap="nowrap">
        <Text size="sm">{user.workforceMemberId ? 'Linked' : 'Not linked'}</Text>
        <Button size="xs" variant="default" onClick={() => setOpen(true)}>
          {user.workforceMemberId ? 'Change' : 'Link'}
          <VisuallyHidden> the workforce record of {user.displayName}</VisuallyHidden>
        </Button>
      </Group>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={`Workforce record of ${user.displayName}`}
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <Stack>
          <PersonPicker label="Person" onPick={setPerson} />
          <ProblemAlert error={link.error} />
          <Group justify="space-between">
            {user.workforceMemberId ? (
              <Button
                variant="default"
                color="red"
                onClick={() => link.mutate(null)}
                loading={link.isPending}
              >
                Remove the link
              </Button>
            ) : (
              <span />
            )}
            <Button
              disabled={!person}
              onClick={() => person && link.mutate(person.id)}
              loading={link.isPending}
            >
              Link
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Disable (every session ends at once) or enable again. */
function EnableToggle({ user }: { user: Schemas['UserView'] }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: () =>
      unwrap(
        user.enabled
          ? api.POST('/api/v1/users/{id}/disable', { params: { path: { id: user.id } } })
          : api.POST('/api/v1/users/{id}/enable', { params: { path: { id: user.id } } }),
      ),
    onSuccess: (saved) => {
      notifications.show({
        message: `${user.displayName} ${saved.enabled ? 'enabled' : 'disabled'}`,
        color: 'green',
      });
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => notifications.show({ title: 'Not changed', message: e.message, color: 'red' }),
  });
  return (
    <Group gap="xs">
      {user.enabled ? (
        <Badge color="green" variant="dot" style={{ flexShrink: 0 }}>
          Enabled
        </Badge>
      ) : (
        <Badge color="gray" variant="dot">
          {label('disabled')}
        </Badge>
      )}
      <Button size="xs" variant="default" onClick={() => toggle.mutate()} loading={toggle.isPending}>
        {user.enabled ? 'Disable' : 'Enable'}
        <VisuallyHidden> {user.displayName}</VisuallyHidden>
      </Button>
    </Group>
  );
}

function CreateUser() {
  const queryClient = useQueryClient();
  const [person, setPerson] = useState<Schemas['PersonView'] | null>(null);
  const [created, setCreated] = useState<Schemas['CreatedUser'] | null>(null);
  const form = useForm({ initialValues: { email: '', displayName: '', roles: ['analyst'] as string[] } });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(
        api.POST('/api/v1/users', {
          body: {
            email: v.email,
            displayName: v.displayName,
            roles: v.roles as Schemas['Role'][],
            workforceMemberId: person?.id,
          },
        }),
      ),
    onSuccess: (u) => {
      setCreated(u);
      form.reset();
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
    onError: showOn(form),
  });
  return (
    <form onSubmit={form.onSubmit((v) => create.mutate(v))}>
      <Stack gap="xs">
        <ProblemAlert error={create.error} />
        {created && (
          <Text size="sm" c="green">
            Created {created.displayName}
            {created.generatedPassword ? ` — one-time password: ${created.generatedPassword}` : ''}
          </Text>
        )}
        <Group grow align="start">
          <TextInput label="Email" required {...form.getInputProps('email')} />
          <TextInput label="Display name" required {...form.getInputProps('displayName')} />
          <MultiSelect label="Roles" data={options(ROLES)} {...form.getInputProps('roles')} />
        </Group>
        <PersonPicker
          label="Their own workforce record (so they never see records about themselves)"
          onPick={setPerson}
        />
        <Group>
          <Button type="submit" loading={create.isPending}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function UsersPage() {
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { limit: 200 } } })),
  });
  return (
    <>
      <PageTitle>Users</PageTitle>
      <Section title="Create a user" mb="md">
        <CreateUser />
      </Section>
      <QueryState query={users} what="Loading users" />
      {users.data && (
        <DataTable
          rows={users.data.items}
          rowKey={(u) => u.id}
          empty="No users."
          highlightOnHover={false}
          columns={[
            { header: 'Name', cell: (u) => u.displayName },
            { header: 'Email', cell: (u) => u.email },
            { header: 'Roles', cell: (u) => <RolesEditor user={u} /> },
            { header: 'Linked', cell: (u) => <LinkPerson user={u} /> },
            { header: 'State', cell: (u) => <EnableToggle user={u} /> },
          ]}
        />
      )}
    </>
  );
}
