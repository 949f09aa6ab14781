import { Card, type CardProps, Group, Text, Title } from '@mantine/core';
import { type ReactNode, useId } from 'react';

/**
 * A titled card: the console's one way to group a part of a page under a second-level heading. It is a
 * region named by its title (found by that name, by tests and by screen readers' landmark lists).
 */
export function Section({
  title,
  right,
  children,
  ...card
}: { title?: string; right?: ReactNode; children: ReactNode } & CardProps) {
  const id = useId();
  const heading = title !== undefined && (
    <Title order={2} size="h4" id={id} mb={right ? undefined : 'xs'}>
      {title}
    </Title>
  );
  return (
    <Card withBorder component="section" aria-labelledby={title !== undefined ? id : undefined} {...card}>
      {right ? (
        <Group justify="space-between" mb="xs">
          {heading}
          {right}
        </Group>
      ) : (
        heading
      )}
      {children}
    </Card>
  );
}

/** A labelled value in a row of facts (`Facts`): a small dimmed label above what it says. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {typeof children === 'string' || typeof children === 'number' ? <Text>{children}</Text> : children}
    </div>
  );
}

/** A row of `Fact`s. */
export function Facts({ children, mt }: { children: ReactNode; mt?: string }) {
  return (
    <Group gap="xl" mt={mt}>
      {children}
    </Group>
  );
}

/** A big number with its label (the at-a-glance figures). */
export function Stat({ label, value, colour }: { label: string; value: ReactNode; colour?: string }) {
  return (
    <Fact label={label}>
      <Text fw={700} size="xl" c={colour}>
        {value}
      </Text>
    </Fact>
  );
}
