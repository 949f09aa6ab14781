-- case_person_facts_of: the people the cases figure counts, one row per person and counting basis: recorded
-- (every subject, the year the case was recorded, their confirmed outcome if any) and finalised (every outcome
-- finalised, the year it was). case_person_fact holds its rows for every case (case_person_fact_refresh);
-- test/case-figure-facts.e2e-spec.ts checks it and case_figure_total against the figure over the base tables.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_person_facts_of(p_case_ids uuid[])
 RETURNS SETOF case_person_fact
 LANGUAGE sql
 STABLE
AS $function$
      SELECT cs.case_id, cs.workforce_member_id, 'recorded', c.recorded_financial_year,
             COALESCE(o.member_type, w.member_type), c.primary_category, c.categories, o.finalised_at,
             o.misconduct_finding, o.proceedings, o.proceedings_result, COALESCE(o.severity, c.severity),
             o.misconduct_outcome, o.would_have_been_dismissed, o.left_service, o.barred_list_on,
             o.advisory_list_on, o.allegation_result, o.criminal_outcome
        FROM case_subject cs
        JOIN case_record c ON c.id = cs.case_id
        JOIN workforce_member w ON w.id = cs.workforce_member_id
        LEFT JOIN case_subject_outcome o
          ON o.case_id = cs.case_id AND o.workforce_member_id = cs.workforce_member_id AND o.confirmed_at IS NOT NULL
       WHERE cs.case_id = ANY (p_case_ids)
      UNION ALL
      SELECT o.case_id, o.workforce_member_id, 'finalised', o.finalised_financial_year,
             o.member_type, c.primary_category, c.categories, o.finalised_at,
             o.misconduct_finding, o.proceedings, o.proceedings_result, COALESCE(o.severity, c.severity),
             o.misconduct_outcome, o.would_have_been_dismissed, o.left_service, o.barred_list_on,
             o.advisory_list_on, o.allegation_result, o.criminal_outcome
        FROM case_subject_outcome o
        JOIN case_record c ON c.id = o.case_id
       WHERE o.case_id = ANY (p_case_ids) AND o.finalised_financial_year IS NOT NULL
    $function$;
