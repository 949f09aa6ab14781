import { Badge, Button, Card, Group, MultiSelect, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, type Schemas, unwrap } from '../api/client';
import { ROLES } from '../codes';
import { label, options, PageTitle, PersonPicker, personName, ProblemAlert, QueryState } from '../ui';

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
    onError: (e) => e instanceof ApiError && form.setErrors(e.fieldErrors),
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
      <Card withBorder mb="md">
        <CreateUser />
      </Card>
      <QueryState query={users} what="Loading users" />
      {users.data && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Roles</Table.Th>
              <Table.Th>Linked</Table.Th>
              <Table.Th>State</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data.items.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>{u.displayName}</Table.Td>
                <Table.Td>{u.email}</Table.Td>
                <Table.Td>
                  <RolesEditor user={u} />
                </Table.Td>
                <Table.Td>{u.workforceMemberId ? 'Yes' : 'No'}</Table.Td>
                <Table.Td>
                  {u.enabled ? (
                    <Badge color="green" variant="dot">
                      Enabled
                    </Badge>
                  ) : (
                    <Badge color="gray" variant="dot">
                      {label('disabled')}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
// personName is used by the create form's picker labels
void personName;
