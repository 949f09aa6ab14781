import { Table, type TableProps, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** One column of a `DataTable`: its header and what each row shows in it. */
export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Left out when true (a column only some screens or roles show). */
  hidden?: boolean;
  /** Keeps the cell on one line (dates, ages). */
  nowrap?: boolean;
}

/**
 * The console's one table: a header row, a row per item, and the sentence said instead when there is none
 * (carrying the same test id, so a test finds an empty list where the table would be).
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  empty,
  testId,
  striped = true,
  highlightOnHover = true,
  ...table
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => string | number;
  empty: string;
  testId?: string;
} & Omit<TableProps, 'data'>) {
  if (rows.length === 0)
    return (
      <Text c="dimmed" size="sm" data-testid={testId}>
        {empty}
      </Text>
    );
  const shown = columns.filter((c) => !c.hidden);
  return (
    <Table striped={striped} highlightOnHover={highlightOnHover} data-testid={testId} {...table}>
      <Table.Thead>
        <Table.Tr>
          {shown.map((c, i) => (
            <Table.Th key={i}>{c.header}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row, r) => (
          <Table.Tr key={rowKey(row, r)}>
            {shown.map((c, i) => (
              <Table.Td key={i} style={c.nowrap ? { whiteSpace: 'nowrap' } : undefined}>
                {c.cell(row)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
