import { type RawBuilder, sql } from 'kysely';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { RecordKind } from '../access/access.policy.js';
import { SourceType } from '../intelligence/intelligence.enums.js';
import {
  and,
  type BasisFilter,
  count,
  type Fragment,
  type SqlColumn,
  fyStart,
  type Measure,
  memberConditions,
  push,
  quote,
  selectList,
  TOTAL_KEY,
  visible,
  yearGrid,
  type YearFigureRow,
  zeroed,
} from './figures.repository.js';

/**
 * The intelligence figure by financial year: its measures and columns, the straightforward SQL over the
 * reports (the property test's oracle and the bench's baseline) and the read model's (what the endpoint
 * runs: `YearFiguresRepository.intelligence`). Read-only over intelligence's tables (the reporting exception,
 * ADR 0002; figures.repository.ts).
 */

/**
 * Days from receipt to decision: whole calendar days, the UK (Europe/London) date of the decision less the
 * UK date of receipt, as the read model's derivation counts them (intelligence_figure_facts_of).
 */
const DAYS_TO_DECISION = `((i.reviewed_at AT TIME ZONE 'Europe/London')::date - (i.received_at AT TIME ZONE 'Europe/London')::date)::float8`;

const INTELLIGENCE_MEASURES: Measure[] = [
  count('received', null, 'Reports received'),
  ...Object.values(CorruptionCategory).map((c) =>
    count(`category_${c}`, `i.primary_category = ${quote(c)}`, `Primary category: ${c.replace(/_/g, ' ')}`),
  ),
  ...Object.values(SourceType).map((s) =>
    count(`source_${s}`, `i.source_type = ${quote(s)}`, `Source type: ${s.replace(/_/g, ' ')}`),
  ),
  count('graded_3x5x2', `i.grading_scheme = '3x5x2'`, 'Graded on the national 3x5x2 scheme'),
  count('graded_5x5x5', `i.grading_scheme = '5x5x5'`, 'Graded on the legacy 5x5x5 scheme'),
  {
    key: 'graded_3x5x2_percent',
    expr: `round(100.0 * count(*) FILTER (WHERE i.grading_scheme = '3x5x2') / NULLIF(count(*), 0), 1)::text`,
    description:
      'Share graded on the 3x5x2 scheme, per cent to one decimal (empty when nothing was received)',
  },
  count('no_further_action', `i.decision = 'no_further_action'`, 'Decision: no further action'),
  count('development', `i.decision = 'development'`, 'Decision: development'),
  count('referred_to_case', `i.decision = 'referred_to_case'`, 'Decision: referred to a case'),
  count('disseminated', `i.decision = 'disseminated'`, 'Decision: disseminated'),
  count('open', 'i.decision IS NULL', 'Still open: no decision yet'),
  {
    key: 'median_days_to_decision',
    expr: `round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ${DAYS_TO_DECISION})
             FILTER (WHERE i.decision IS NOT NULL))::numeric, 1)::text`,
    description:
      'Median days from receipt to decision, a day being a whole calendar day: the UK date of the decision less the UK date of receipt (decided reports; empty when none)',
  },
  {
    key: 'p90_days_to_decision',
    expr: `round((percentile_cont(0.9) WITHIN GROUP (ORDER BY ${DAYS_TO_DECISION})
             FILTER (WHERE i.decision IS NOT NULL))::numeric, 1)::text`,
    description:
      '90th percentile of days from receipt to decision, in whole calendar days as the median (decided reports; empty when none)',
  },
];
const NULLABLE_INTELLIGENCE = new Set([
  'graded_3x5x2_percent',
  'median_days_to_decision',
  'p90_days_to_decision',
]);

/** The counts among the intelligence measures (the read model holds one column per count). */
const INTELLIGENCE_COUNT_MEASURES = INTELLIGENCE_MEASURES.filter((m) => m.where !== undefined);

export const INTELLIGENCE_COLUMNS: SqlColumn[] = [
  { key: 'financial_year', description: 'UK financial year (1 April to 31 March), or total' },
  {
    key: 'basis',
    description: 'Counting basis: recorded (year received) or finalised (year of the latest decision)',
  },
  ...INTELLIGENCE_MEASURES.map(({ key, description }) => ({ key, description })),
];

const INTELLIGENCE_COUNTS = selectList(INTELLIGENCE_MEASURES, (m) => m.expr, ',\n         ');
const INTELLIGENCE_OUT = selectList(
  INTELLIGENCE_MEASURES,
  (m) => zeroed(m, 'a', NULLABLE_INTELLIGENCE.has(m.key)),
  ',\n       ',
);

/**
 * Intelligence reports per financial year by primary category and source type, grading, decisions and
 * time to decision. Basis `recorded`: the year received (a range on the indexed `received_at`);
 * `finalised`: the year of the latest decision. Straight over the base tables: the read model's oracle
 * (test/intelligence-capacity-facts.e2e-spec.ts) and the bench's baseline; the endpoint reads
 * `intelligenceFiguresFromModelQuery`.
 */
export function intelligenceFiguresQuery(f: BasisFilter): RawBuilder<YearFigureRow> {
  const at = sql.ref(f.basis === 'finalised' ? 'i.reviewed_at' : 'i.received_at');
  const where: Fragment[] = [sql`${at} >= ${fyStart(f.from)}`, sql`${at} < ${fyStart(f.to, 1)}`];
  if (f.basis === 'finalised') where.push(sql`i.decision IS NOT NULL`);
  if (f.category) {
    where.push(
      sql`(i.primary_category = ${f.category}::corruption_category OR i.secondary_categories @> ARRAY[${f.category}::corruption_category])`,
    );
  }
  push(where, visible(f, RecordKind.IntelligenceReport, 'i'));
  const members = memberConditions(f, 'w');
  if (members.length) {
    where.push(sql`EXISTS (SELECT 1 FROM intelligence_subject isub JOIN workforce_member w ON w.id = isub.workforce_member_id
      WHERE isub.report_id = i.id AND ${and(members)})`);
  }
  return sql<YearFigureRow>`
WITH a AS (
  SELECT COALESCE(case_financial_year(${at}), ${sql.lit(TOTAL_KEY)}) AS fy,
         ${INTELLIGENCE_COUNTS}
    FROM intelligence_report i
   WHERE ${and(where)}
   GROUP BY GROUPING SETS ((case_financial_year(${at})), ())
)
SELECT g.fy,
       ${INTELLIGENCE_OUT}
  FROM ${yearGrid(f)}
  LEFT JOIN a ON a.fy = g.fy
 ORDER BY g.fy = ${sql.lit(TOTAL_KEY)}, g.fy`;
}

const INTELLIGENCE_SUMS = selectList(
  INTELLIGENCE_COUNT_MEASURES,
  (m) => `sum(t."${m.key}")::int`,
  ',\n         ',
);
const INTELLIGENCE_FACT_COUNTS = (sign: 1 | -1): Fragment =>
  selectList(INTELLIGENCE_COUNT_MEASURES, (m) => (sign < 0 ? `-(${m.expr})` : m.expr), ',\n         ');
const INTELLIGENCE_YEAR_SUMS = selectList(
  INTELLIGENCE_COUNT_MEASURES,
  (m) => `sum(c."${m.key}")::int`,
  ',\n         ',
);

const INTELLIGENCE_MODEL_OUT = sql.raw(
  INTELLIGENCE_MEASURES.map((m) => {
    if (m.key === 'graded_3x5x2_percent') {
      return `round(100.0 * a."graded_3x5x2" / NULLIF(a."received", 0), 1)::text AS "${m.key}"`;
    }
    if (m.key === 'median_days_to_decision') return `p.median AS "${m.key}"`;
    if (m.key === 'p90_days_to_decision') return `p.p90 AS "${m.key}"`;
    return `${zeroed(m, 'a')} AS "${m.key}"`;
  }).join(',\n       '),
);

/** `percentile_cont(p)` of the days in `alias`'s histogram rows (with `cum` and `total`), as the oracle rounds it. */
function percentileFromHistogram(p: string): string {
  const h = `(${p}::float8 * (x.total - 1)::float8)`;
  const lo = `min(x.days) FILTER (WHERE x.cum > floor(${h}))::float8`;
  const hi = `min(x.days) FILTER (WHERE x.cum > ceil(${h}))::float8`;
  return `round((${lo} + (${h} - floor(${h})) * (${hi} - ${lo}))::numeric, 1)::text`;
}

/**
 * The same table as `intelligenceFiguresQuery` (the figure over the base tables: its oracle and the bench's
 * baseline), read from its read model (migration IntelligenceFigureFacts): `intelligence_figure_total`, the
 * counts per basis, year and category filter, and `intelligence_decision_days`, how many decided reports took
 * each whole number of days, from whose cumulative counts the median and 90th percentile are computed exactly
 * as `percentile_cont` computes them over the reports (the value at rank floor(p·(n−1)), interpolated towards
 * the one at ceil(p·(n−1))). Both are kept by triggers in each change's own transaction; a ten-year figure
 * reads a few hundred rows. The reports concerning the caller (the access policy) are taken off, counted
 * through the same derivation (`intelligence_figure_facts_of`); with a department or member-type filter (a
 * subject's current department and type) the figure is counted through that derivation from the reports with
 * a matching subject instead.
 */
export function intelligenceFiguresFromModelQuery(f: BasisFilter): RawBuilder<YearFigureRow> {
  const members = memberConditions(f, 'w');
  const shown = visible(f, RecordKind.IntelligenceReport, 'i');
  const at = sql.ref(f.basis === 'finalised' ? 'i.reviewed_at' : 'i.received_at');
  // The reports `where` selects, each on the rows the derivation gives it for this basis, range and category.
  const facts = (where: Fragment[]): Fragment => sql`(
    SELECT x.fy, x.days, i.primary_category, i.source_type, i.grading_scheme, i.decision
      FROM intelligence_report i
     CROSS JOIN LATERAL intelligence_figure_facts_of(i.received_at, i.reviewed_at, i.decision,
           i.primary_category, i.secondary_categories) x
     WHERE ${and([
       sql`${at} >= ${fyStart(f.from)}`,
       sql`${at} < ${fyStart(f.to, 1)}`,
       sql`x.basis = ${f.basis}`,
       sql`x.fy BETWEEN ${f.from} AND ${f.to}`,
       f.category ? sql`x.category = ${f.category}::corruption_category` : sql`x.category IS NULL`,
       ...where,
     ])}) i`;
  let counts: Fragment;
  let days: Fragment;
  if (members.length) {
    const where: Fragment[] = [
      sql`EXISTS (SELECT 1 FROM intelligence_subject isub JOIN workforce_member w ON w.id = isub.workforce_member_id
      WHERE isub.report_id = i.id AND ${and(members)})`,
    ];
    push(where, shown);
    counts = sql`SELECT i.fy, ${INTELLIGENCE_FACT_COUNTS(1)}
    FROM ${facts(where)}
   GROUP BY i.fy`;
    days = sql`SELECT i.fy, i.days, count(*) AS n
    FROM ${facts(where)}
   WHERE i.days IS NOT NULL
   GROUP BY i.fy, i.days`;
  } else {
    const model: Fragment[] = [
      sql`t.basis = ${f.basis}`,
      sql`t.fy BETWEEN ${f.from} AND ${f.to}`,
      f.category ? sql`t.category = ${f.category}::corruption_category` : sql`t.category IS NULL`,
    ];
    // access: the model counts every report; those the caller may not see are taken off (negated policy).
    const own = shown ? [sql`NOT (${shown})`] : null;
    counts = sql`SELECT t.fy, ${INTELLIGENCE_SUMS}
    FROM intelligence_figure_total t
   WHERE ${and(model)}
   GROUP BY t.fy${
     own
       ? sql`
  UNION ALL
  SELECT i.fy, ${INTELLIGENCE_FACT_COUNTS(-1)}
    FROM ${facts(own)}
   GROUP BY i.fy`
       : sql``
   }`;
    days = sql`SELECT t.fy, t.days, t.n::bigint AS n
    FROM intelligence_decision_days t
   WHERE ${and(model)}${
     own
       ? sql`
  UNION ALL
  SELECT i.fy, i.days, -count(*)
    FROM ${facts(own)}
   WHERE i.days IS NOT NULL
   GROUP BY i.fy, i.days`
       : sql``
   }`;
  }
  return sql<YearFigureRow>`
WITH c AS (
  ${counts}
),
a AS (
  SELECT COALESCE(c.fy, ${sql.lit(TOTAL_KEY)}) AS fy,
         ${INTELLIGENCE_YEAR_SUMS}
    FROM c GROUP BY GROUPING SETS ((c.fy), ())
),
d AS (
  ${days}
),
h AS (
  SELECT COALESCE(d.fy, ${sql.lit(TOTAL_KEY)}) AS fy, d.days, sum(d.n) AS n
    FROM d GROUP BY GROUPING SETS ((d.fy, d.days), (d.days))
),
p AS (
  SELECT x.fy,
         ${sql.raw(percentileFromHistogram('0.5'))} AS median,
         ${sql.raw(percentileFromHistogram('0.9'))} AS p90
    FROM (SELECT h.fy, h.days, sum(h.n) OVER (PARTITION BY h.fy ORDER BY h.days) AS cum,
                 sum(h.n) OVER (PARTITION BY h.fy) AS total
            FROM h WHERE h.n > 0) x
   GROUP BY x.fy, x.total
)
SELECT g.fy,
       ${INTELLIGENCE_MODEL_OUT}
  FROM ${yearGrid(f)}
  LEFT JOIN a ON a.fy = g.fy
  LEFT JOIN p ON p.fy = g.fy
 ORDER BY g.fy = ${sql.lit(TOTAL_KEY)}, g.fy`;
}
