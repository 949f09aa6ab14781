import { Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { signIn } from '../api/client';
import { ProblemAlert } from '../ui';

export function LoginPage() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({ initialValues: { email: '', password: '' } });
  return (
    <Center mih="100vh" bg="gray.1" component="main">
      <Paper withBorder shadow="sm" p="xl" w={380}>
        <form
          onSubmit={form.onSubmit(async (values) => {
            setBusy(true);
            setError(null);
            try {
              await signIn(values.email, values.password);
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          })}
        >
          <Stack>
            <div>
              <Title order={1} size="h2">
                Lantern
              </Title>
              <Text c="dimmed" size="sm">
                Counter-corruption case tracking
              </Text>
            </div>
            <ProblemAlert error={error} />
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              {...form.getInputProps('email')}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
