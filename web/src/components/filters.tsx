import { Checkbox, Group, Select, type SelectProps } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { type ReactNode, useState } from 'react';
import { options } from '../ui';

type FilterValue = string | null | boolean;
type KeysOf<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T];

/**
 * A list's filters as one state object, with the bindings its fields take: `select('status')` for a
 * `FilterSelect` or `FilterDate`, `check('overdue')` for a `FilterCheck`.
 */
export function useFilters<T extends Record<string, FilterValue>>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const set = <K extends keyof T>(key: K, value: T[K]) => setValues((v) => ({ ...v, [key]: value }));
  return {
    values,
    select: <K extends KeysOf<T, string | null>>(key: K) => ({
      value: values[key] as string | null,
      onChange: (value: string | null) => set(key, value as T[K]),
    }),
    check: <K extends KeysOf<T, boolean>>(key: K) => ({
      checked: values[key] as boolean,
      onChange: (checked: boolean) => set(key, checked as T[K]),
    }),
  };
}

/** The row of filters above a list. */
export function FilterBar({ children }: { children: ReactNode }) {
  return (
    <Group mb="md" align="end">
      {children}
    </Group>
  );
}

/** A filter choosing one of the API's codes (in words), or one of `data`; cleared to mean "any". */
export function FilterSelect({
  codes,
  data,
  w = 200,
  clearable = true,
  ...rest
}: {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  codes?: readonly string[];
} & Omit<SelectProps, 'value' | 'onChange'>) {
  return <Select data={codes ? options(codes) : data} clearable={clearable} w={w} {...rest} />;
}

/** A yes/no filter. */
export function FilterCheck({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return <Checkbox label={label} checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />;
}

/** A date filter (YYYY-MM-DD), cleared to mean "any". */
export function FilterDate({
  label,
  value,
  onChange,
  disabled,
}: {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  disabled?: boolean;
}) {
  return (
    <DateInput
      label={label}
      valueFormat="D MMM YYYY"
      value={value}
      onChange={onChange}
      clearable
      disabled={disabled}
      w={160}
    />
  );
}

/** A chosen code for the API's query, or undefined for "any". */
export const chosen = <T extends string>(value: string | null): T | undefined =>
  (value ?? undefined) as T | undefined;

/** A ticked flag for the API's query, or undefined when not ticked (no filter). */
export const ticked = (flag: boolean): true | undefined => flag || undefined;
