import type { BarChartProps } from '@mantine/charts';
import { Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';

/** The charts library (recharts under Mantine's charts), its own ~110 KB Brotli chunk, fetched when first drawn. */
const LoadedBarChart = lazy(() => import('@mantine/charts').then((m) => ({ default: m.BarChart })));

/**
 * A bar chart beside a page's list (the queue's load per analyst, vetting compliance by department): the list
 * is drawn as soon as its data is there, the chart when its code has arrived, a placeholder of its height
 * meanwhile. The figures page, all charts, imports them directly.
 */
export function SideBarChart(props: BarChartProps) {
  return (
    <Suspense fallback={<Skeleton h={props.h} aria-hidden />}>
      <LoadedBarChart {...props} />
    </Suspense>
  );
}
