-- intelligence_figure_refill: recomputes intelligence_figure_total and intelligence_decision_days from every
-- report (the backfill, TRUNCATE, a bulk load with the triggers disabled). Owner only.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.intelligence_figure_refill()
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'public'
AS $function$
      BEGIN
        LOCK TABLE intelligence_figure_total, intelligence_decision_days IN EXCLUSIVE MODE;
        DELETE FROM intelligence_figure_total;
        DELETE FROM intelligence_decision_days;
        INSERT INTO intelligence_figure_total AS t (basis, fy, category, "received", "category_abuse_of_position_sexual", "category_infiltration", "category_disclosure_of_information", "category_perverting_justice", "category_sexual_misconduct", "category_drugs", "category_theft_fraud", "category_misuse_of_systems", "category_abuse_of_authority", "category_inappropriate_association", "category_vulnerability", "category_assisting_offenders", "category_other", "source_colleague", "source_member_of_public", "source_anonymous", "source_partner_agency", "source_ict_monitoring", "source_covert_source", "source_other_force", "source_complaint", "source_self_declaration", "source_iopc", "source_other", "graded_3x5x2", "graded_5x5x5", "no_further_action", "development", "referred_to_case", "disseminated", "open")
          SELECT x.basis, x.fy, x.category,
                 sum(x.sign)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'abuse_of_position_sexual'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'infiltration'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'disclosure_of_information'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'perverting_justice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'sexual_misconduct'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'drugs'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'theft_fraud'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'misuse_of_systems'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'abuse_of_authority'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'inappropriate_association'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'vulnerability'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'assisting_offenders'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.primary_category = 'other'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'colleague'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'member_of_public'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'anonymous'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'partner_agency'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'ict_monitoring'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'covert_source'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'other_force'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'complaint'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'self_declaration'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'iopc'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.source_type = 'other'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.grading_scheme = '3x5x2'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.grading_scheme = '5x5x5'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.decision = 'no_further_action'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.decision = 'development'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.decision = 'referred_to_case'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.decision = 'disseminated'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.decision IS NULL), 0)::int
            FROM (SELECT r.sign, f.basis, f.fy, f.category, f.days, r.primary_category, r.source_type,
                   r.grading_scheme, r.decision
              FROM (SELECT 1 AS sign, r.* FROM intelligence_report r) r
             CROSS JOIN LATERAL intelligence_figure_facts_of(r.received_at, r.reviewed_at, r.decision,
                   r.primary_category, r.secondary_categories) f) x
           GROUP BY x.basis, x.fy, x.category
           ORDER BY x.basis, x.fy, x.category NULLS FIRST
          ON CONFLICT (basis, fy, category) DO UPDATE SET
                 "received" = t."received" + excluded."received",
                 "category_abuse_of_position_sexual" = t."category_abuse_of_position_sexual" + excluded."category_abuse_of_position_sexual",
                 "category_infiltration" = t."category_infiltration" + excluded."category_infiltration",
                 "category_disclosure_of_information" = t."category_disclosure_of_information" + excluded."category_disclosure_of_information",
                 "category_perverting_justice" = t."category_perverting_justice" + excluded."category_perverting_justice",
                 "category_sexual_misconduct" = t."category_sexual_misconduct" + excluded."category_sexual_misconduct",
                 "category_drugs" = t."category_drugs" + excluded."category_drugs",
                 "category_theft_fraud" = t."category_theft_fraud" + excluded."category_theft_fraud",
                 "category_misuse_of_systems" = t."category_misuse_of_systems" + excluded."category_misuse_of_systems",
                 "category_abuse_of_authority" = t."category_abuse_of_authority" + excluded."category_abuse_of_authority",
                 "category_inappropriate_association" = t."category_inappropriate_association" + excluded."category_inappropriate_association",
                 "category_vulnerability" = t."category_vulnerability" + excluded."category_vulnerability",
                 "category_assisting_offenders" = t."category_assisting_offenders" + excluded."category_assisting_offenders",
                 "category_other" = t."category_other" + excluded."category_other",
                 "source_colleague" = t."source_colleague" + excluded."source_colleague",
                 "source_member_of_public" = t."source_member_of_public" + excluded."source_member_of_public",
                 "source_anonymous" = t."source_anonymous" + excluded."source_anonymous",
                 "source_partner_agency" = t."source_partner_agency" + excluded."source_partner_agency",
                 "source_ict_monitoring" = t."source_ict_monitoring" + excluded."source_ict_monitoring",
                 "source_covert_source" = t."source_covert_source" + excluded."source_covert_source",
                 "source_other_force" = t."source_other_force" + excluded."source_other_force",
                 "source_complaint" = t."source_complaint" + excluded."source_complaint",
                 "source_self_declaration" = t."source_self_declaration" + excluded."source_self_declaration",
                 "source_iopc" = t."source_iopc" + excluded."source_iopc",
                 "source_other" = t."source_other" + excluded."source_other",
                 "graded_3x5x2" = t."graded_3x5x2" + excluded."graded_3x5x2",
                 "graded_5x5x5" = t."graded_5x5x5" + excluded."graded_5x5x5",
                 "no_further_action" = t."no_further_action" + excluded."no_further_action",
                 "development" = t."development" + excluded."development",
                 "referred_to_case" = t."referred_to_case" + excluded."referred_to_case",
                 "disseminated" = t."disseminated" + excluded."disseminated",
                 "open" = t."open" + excluded."open";
          INSERT INTO intelligence_decision_days AS t (basis, fy, category, days, n)
          SELECT x.basis, x.fy, x.category, x.days, sum(x.sign)::int
            FROM (SELECT r.sign, f.basis, f.fy, f.category, f.days, r.primary_category, r.source_type,
                   r.grading_scheme, r.decision
              FROM (SELECT 1 AS sign, r.* FROM intelligence_report r) r
             CROSS JOIN LATERAL intelligence_figure_facts_of(r.received_at, r.reviewed_at, r.decision,
                   r.primary_category, r.secondary_categories) f) x
           WHERE x.days IS NOT NULL
           GROUP BY x.basis, x.fy, x.category, x.days
           ORDER BY x.basis, x.fy, x.category NULLS FIRST, x.days
          ON CONFLICT (basis, fy, category, days) DO UPDATE SET n = t.n + excluded.n;
      END $function$;
