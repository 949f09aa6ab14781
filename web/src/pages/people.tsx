import { Card, Text } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { PageTitle, PersonPicker } from '../ui';

export function PeoplePage() {
  const navigate = useNavigate();
  return (
    <>
      <PageTitle>People</PageTitle>
      <Card withBorder maw={640}>
        <PersonPicker
          label="Find a person"
          onPick={(p) => p && void navigate({ to: '/people/$id', params: { id: p.id } })}
        />
        <Text size="sm" c="dimmed" mt="xs">
          By family name, given and family name, or staff number.
        </Text>
      </Card>
    </>
  );
}
