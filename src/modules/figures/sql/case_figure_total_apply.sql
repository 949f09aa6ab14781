-- case_figure_total_apply: statement triggers on case_person_fact: add the rows a statement inserted to
-- case_figure_total and take off those it deleted, per basis, year, member type and category (NULL: all),
-- one upsert in a fixed order. The measures are the cases figure (CASE_MEASURES).
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_figure_total_apply()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          
          INSERT INTO case_figure_total AS t (basis, fy, member_type, category, "people", "pending", "finalised", "no_case_to_answer", "case_to_answer", "meetings", "meetings_proven", "hearings", "hearings_proven", "hearings_gross_misconduct_proven", "accelerated_hearings", "accelerated_hearings_proven", "proven", "not_proven", "outcome_no_further_action", "outcome_management_advice", "outcome_reflective_practice", "outcome_written_warning", "outcome_final_written_warning", "outcome_reduction_in_rank", "outcome_dismissal_with_notice", "outcome_dismissal_without_notice", "would_have_been_dismissed", "left_service", "barred_list", "advisory_list", "allegation_substantiated", "allegation_unsubstantiated", "allegation_unfounded", "allegation_malicious_or_vexatious", "allegation_pending", "criminal_no_further_action", "criminal_charged", "criminal_convicted", "criminal_acquitted", "criminal_caution", "criminal_ongoing")
          SELECT x.basis, x.fy, x.member_type, k.category,
                 sum(x.sign)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.finalised_at IS NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.finalised_at IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_finding = 'no_case_to_answer'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_finding = 'case_to_answer'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_meeting'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_meeting' AND x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_hearing'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_hearing' AND x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_hearing' AND x.proceedings_result = 'proven' AND x.assessed_severity = 'gross_misconduct'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'accelerated_hearing'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'accelerated_hearing' AND x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings_result = 'not_proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'no_further_action'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'management_advice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'reflective_practice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'written_warning'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'final_written_warning'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'reduction_in_rank'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'dismissal_with_notice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'dismissal_without_notice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.would_have_been_dismissed), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.left_service IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.barred_list_on IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.advisory_list_on IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'substantiated'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'unsubstantiated'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'unfounded'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'malicious_or_vexatious'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result IS NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'no_further_action'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'charged'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'convicted'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'acquitted'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'caution'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'ongoing'), 0)::int
            FROM (SELECT 1 AS sign, n.* FROM new_rows n) x
           CROSS JOIN LATERAL (SELECT NULL::corruption_category
                               UNION SELECT x.primary_category UNION SELECT unnest(x.categories)) k(category)
           GROUP BY x.basis, x.fy, x.member_type, k.category
           ORDER BY x.basis, x.fy, x.member_type, k.category NULLS FIRST
          ON CONFLICT (basis, fy, member_type, category) DO UPDATE SET
                 "people" = t."people" + excluded."people",
                 "pending" = t."pending" + excluded."pending",
                 "finalised" = t."finalised" + excluded."finalised",
                 "no_case_to_answer" = t."no_case_to_answer" + excluded."no_case_to_answer",
                 "case_to_answer" = t."case_to_answer" + excluded."case_to_answer",
                 "meetings" = t."meetings" + excluded."meetings",
                 "meetings_proven" = t."meetings_proven" + excluded."meetings_proven",
                 "hearings" = t."hearings" + excluded."hearings",
                 "hearings_proven" = t."hearings_proven" + excluded."hearings_proven",
                 "hearings_gross_misconduct_proven" = t."hearings_gross_misconduct_proven" + excluded."hearings_gross_misconduct_proven",
                 "accelerated_hearings" = t."accelerated_hearings" + excluded."accelerated_hearings",
                 "accelerated_hearings_proven" = t."accelerated_hearings_proven" + excluded."accelerated_hearings_proven",
                 "proven" = t."proven" + excluded."proven",
                 "not_proven" = t."not_proven" + excluded."not_proven",
                 "outcome_no_further_action" = t."outcome_no_further_action" + excluded."outcome_no_further_action",
                 "outcome_management_advice" = t."outcome_management_advice" + excluded."outcome_management_advice",
                 "outcome_reflective_practice" = t."outcome_reflective_practice" + excluded."outcome_reflective_practice",
                 "outcome_written_warning" = t."outcome_written_warning" + excluded."outcome_written_warning",
                 "outcome_final_written_warning" = t."outcome_final_written_warning" + excluded."outcome_final_written_warning",
                 "outcome_reduction_in_rank" = t."outcome_reduction_in_rank" + excluded."outcome_reduction_in_rank",
                 "outcome_dismissal_with_notice" = t."outcome_dismissal_with_notice" + excluded."outcome_dismissal_with_notice",
                 "outcome_dismissal_without_notice" = t."outcome_dismissal_without_notice" + excluded."outcome_dismissal_without_notice",
                 "would_have_been_dismissed" = t."would_have_been_dismissed" + excluded."would_have_been_dismissed",
                 "left_service" = t."left_service" + excluded."left_service",
                 "barred_list" = t."barred_list" + excluded."barred_list",
                 "advisory_list" = t."advisory_list" + excluded."advisory_list",
                 "allegation_substantiated" = t."allegation_substantiated" + excluded."allegation_substantiated",
                 "allegation_unsubstantiated" = t."allegation_unsubstantiated" + excluded."allegation_unsubstantiated",
                 "allegation_unfounded" = t."allegation_unfounded" + excluded."allegation_unfounded",
                 "allegation_malicious_or_vexatious" = t."allegation_malicious_or_vexatious" + excluded."allegation_malicious_or_vexatious",
                 "allegation_pending" = t."allegation_pending" + excluded."allegation_pending",
                 "criminal_no_further_action" = t."criminal_no_further_action" + excluded."criminal_no_further_action",
                 "criminal_charged" = t."criminal_charged" + excluded."criminal_charged",
                 "criminal_convicted" = t."criminal_convicted" + excluded."criminal_convicted",
                 "criminal_acquitted" = t."criminal_acquitted" + excluded."criminal_acquitted",
                 "criminal_caution" = t."criminal_caution" + excluded."criminal_caution",
                 "criminal_ongoing" = t."criminal_ongoing" + excluded."criminal_ongoing";
        ELSIF TG_OP = 'UPDATE' THEN
          
          INSERT INTO case_figure_total AS t (basis, fy, member_type, category, "people", "pending", "finalised", "no_case_to_answer", "case_to_answer", "meetings", "meetings_proven", "hearings", "hearings_proven", "hearings_gross_misconduct_proven", "accelerated_hearings", "accelerated_hearings_proven", "proven", "not_proven", "outcome_no_further_action", "outcome_management_advice", "outcome_reflective_practice", "outcome_written_warning", "outcome_final_written_warning", "outcome_reduction_in_rank", "outcome_dismissal_with_notice", "outcome_dismissal_without_notice", "would_have_been_dismissed", "left_service", "barred_list", "advisory_list", "allegation_substantiated", "allegation_unsubstantiated", "allegation_unfounded", "allegation_malicious_or_vexatious", "allegation_pending", "criminal_no_further_action", "criminal_charged", "criminal_convicted", "criminal_acquitted", "criminal_caution", "criminal_ongoing")
          SELECT x.basis, x.fy, x.member_type, k.category,
                 sum(x.sign)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.finalised_at IS NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.finalised_at IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_finding = 'no_case_to_answer'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_finding = 'case_to_answer'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_meeting'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_meeting' AND x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_hearing'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_hearing' AND x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_hearing' AND x.proceedings_result = 'proven' AND x.assessed_severity = 'gross_misconduct'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'accelerated_hearing'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'accelerated_hearing' AND x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings_result = 'not_proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'no_further_action'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'management_advice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'reflective_practice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'written_warning'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'final_written_warning'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'reduction_in_rank'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'dismissal_with_notice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'dismissal_without_notice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.would_have_been_dismissed), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.left_service IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.barred_list_on IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.advisory_list_on IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'substantiated'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'unsubstantiated'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'unfounded'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'malicious_or_vexatious'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result IS NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'no_further_action'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'charged'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'convicted'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'acquitted'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'caution'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'ongoing'), 0)::int
            FROM (SELECT 1 AS sign, n.* FROM new_rows n UNION ALL SELECT -1, o.* FROM old_rows o) x
           CROSS JOIN LATERAL (SELECT NULL::corruption_category
                               UNION SELECT x.primary_category UNION SELECT unnest(x.categories)) k(category)
           GROUP BY x.basis, x.fy, x.member_type, k.category
           ORDER BY x.basis, x.fy, x.member_type, k.category NULLS FIRST
          ON CONFLICT (basis, fy, member_type, category) DO UPDATE SET
                 "people" = t."people" + excluded."people",
                 "pending" = t."pending" + excluded."pending",
                 "finalised" = t."finalised" + excluded."finalised",
                 "no_case_to_answer" = t."no_case_to_answer" + excluded."no_case_to_answer",
                 "case_to_answer" = t."case_to_answer" + excluded."case_to_answer",
                 "meetings" = t."meetings" + excluded."meetings",
                 "meetings_proven" = t."meetings_proven" + excluded."meetings_proven",
                 "hearings" = t."hearings" + excluded."hearings",
                 "hearings_proven" = t."hearings_proven" + excluded."hearings_proven",
                 "hearings_gross_misconduct_proven" = t."hearings_gross_misconduct_proven" + excluded."hearings_gross_misconduct_proven",
                 "accelerated_hearings" = t."accelerated_hearings" + excluded."accelerated_hearings",
                 "accelerated_hearings_proven" = t."accelerated_hearings_proven" + excluded."accelerated_hearings_proven",
                 "proven" = t."proven" + excluded."proven",
                 "not_proven" = t."not_proven" + excluded."not_proven",
                 "outcome_no_further_action" = t."outcome_no_further_action" + excluded."outcome_no_further_action",
                 "outcome_management_advice" = t."outcome_management_advice" + excluded."outcome_management_advice",
                 "outcome_reflective_practice" = t."outcome_reflective_practice" + excluded."outcome_reflective_practice",
                 "outcome_written_warning" = t."outcome_written_warning" + excluded."outcome_written_warning",
                 "outcome_final_written_warning" = t."outcome_final_written_warning" + excluded."outcome_final_written_warning",
                 "outcome_reduction_in_rank" = t."outcome_reduction_in_rank" + excluded."outcome_reduction_in_rank",
                 "outcome_dismissal_with_notice" = t."outcome_dismissal_with_notice" + excluded."outcome_dismissal_with_notice",
                 "outcome_dismissal_without_notice" = t."outcome_dismissal_without_notice" + excluded."outcome_dismissal_without_notice",
                 "would_have_been_dismissed" = t."would_have_been_dismissed" + excluded."would_have_been_dismissed",
                 "left_service" = t."left_service" + excluded."left_service",
                 "barred_list" = t."barred_list" + excluded."barred_list",
                 "advisory_list" = t."advisory_list" + excluded."advisory_list",
                 "allegation_substantiated" = t."allegation_substantiated" + excluded."allegation_substantiated",
                 "allegation_unsubstantiated" = t."allegation_unsubstantiated" + excluded."allegation_unsubstantiated",
                 "allegation_unfounded" = t."allegation_unfounded" + excluded."allegation_unfounded",
                 "allegation_malicious_or_vexatious" = t."allegation_malicious_or_vexatious" + excluded."allegation_malicious_or_vexatious",
                 "allegation_pending" = t."allegation_pending" + excluded."allegation_pending",
                 "criminal_no_further_action" = t."criminal_no_further_action" + excluded."criminal_no_further_action",
                 "criminal_charged" = t."criminal_charged" + excluded."criminal_charged",
                 "criminal_convicted" = t."criminal_convicted" + excluded."criminal_convicted",
                 "criminal_acquitted" = t."criminal_acquitted" + excluded."criminal_acquitted",
                 "criminal_caution" = t."criminal_caution" + excluded."criminal_caution",
                 "criminal_ongoing" = t."criminal_ongoing" + excluded."criminal_ongoing";
        ELSE
          
          INSERT INTO case_figure_total AS t (basis, fy, member_type, category, "people", "pending", "finalised", "no_case_to_answer", "case_to_answer", "meetings", "meetings_proven", "hearings", "hearings_proven", "hearings_gross_misconduct_proven", "accelerated_hearings", "accelerated_hearings_proven", "proven", "not_proven", "outcome_no_further_action", "outcome_management_advice", "outcome_reflective_practice", "outcome_written_warning", "outcome_final_written_warning", "outcome_reduction_in_rank", "outcome_dismissal_with_notice", "outcome_dismissal_without_notice", "would_have_been_dismissed", "left_service", "barred_list", "advisory_list", "allegation_substantiated", "allegation_unsubstantiated", "allegation_unfounded", "allegation_malicious_or_vexatious", "allegation_pending", "criminal_no_further_action", "criminal_charged", "criminal_convicted", "criminal_acquitted", "criminal_caution", "criminal_ongoing")
          SELECT x.basis, x.fy, x.member_type, k.category,
                 sum(x.sign)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.finalised_at IS NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.finalised_at IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_finding = 'no_case_to_answer'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_finding = 'case_to_answer'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_meeting'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_meeting' AND x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_hearing'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_hearing' AND x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'misconduct_hearing' AND x.proceedings_result = 'proven' AND x.assessed_severity = 'gross_misconduct'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'accelerated_hearing'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings = 'accelerated_hearing' AND x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings_result = 'proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.proceedings_result = 'not_proven'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'no_further_action'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'management_advice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'reflective_practice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'written_warning'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'final_written_warning'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'reduction_in_rank'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'dismissal_with_notice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.misconduct_outcome = 'dismissal_without_notice'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.would_have_been_dismissed), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.left_service IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.barred_list_on IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.advisory_list_on IS NOT NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'substantiated'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'unsubstantiated'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'unfounded'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result = 'malicious_or_vexatious'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.allegation_result IS NULL), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'no_further_action'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'charged'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'convicted'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'acquitted'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'caution'), 0)::int,
                 COALESCE(sum(x.sign) FILTER (WHERE x.criminal_outcome = 'ongoing'), 0)::int
            FROM (SELECT -1 AS sign, o.* FROM old_rows o) x
           CROSS JOIN LATERAL (SELECT NULL::corruption_category
                               UNION SELECT x.primary_category UNION SELECT unnest(x.categories)) k(category)
           GROUP BY x.basis, x.fy, x.member_type, k.category
           ORDER BY x.basis, x.fy, x.member_type, k.category NULLS FIRST
          ON CONFLICT (basis, fy, member_type, category) DO UPDATE SET
                 "people" = t."people" + excluded."people",
                 "pending" = t."pending" + excluded."pending",
                 "finalised" = t."finalised" + excluded."finalised",
                 "no_case_to_answer" = t."no_case_to_answer" + excluded."no_case_to_answer",
                 "case_to_answer" = t."case_to_answer" + excluded."case_to_answer",
                 "meetings" = t."meetings" + excluded."meetings",
                 "meetings_proven" = t."meetings_proven" + excluded."meetings_proven",
                 "hearings" = t."hearings" + excluded."hearings",
                 "hearings_proven" = t."hearings_proven" + excluded."hearings_proven",
                 "hearings_gross_misconduct_proven" = t."hearings_gross_misconduct_proven" + excluded."hearings_gross_misconduct_proven",
                 "accelerated_hearings" = t."accelerated_hearings" + excluded."accelerated_hearings",
                 "accelerated_hearings_proven" = t."accelerated_hearings_proven" + excluded."accelerated_hearings_proven",
                 "proven" = t."proven" + excluded."proven",
                 "not_proven" = t."not_proven" + excluded."not_proven",
                 "outcome_no_further_action" = t."outcome_no_further_action" + excluded."outcome_no_further_action",
                 "outcome_management_advice" = t."outcome_management_advice" + excluded."outcome_management_advice",
                 "outcome_reflective_practice" = t."outcome_reflective_practice" + excluded."outcome_reflective_practice",
                 "outcome_written_warning" = t."outcome_written_warning" + excluded."outcome_written_warning",
                 "outcome_final_written_warning" = t."outcome_final_written_warning" + excluded."outcome_final_written_warning",
                 "outcome_reduction_in_rank" = t."outcome_reduction_in_rank" + excluded."outcome_reduction_in_rank",
                 "outcome_dismissal_with_notice" = t."outcome_dismissal_with_notice" + excluded."outcome_dismissal_with_notice",
                 "outcome_dismissal_without_notice" = t."outcome_dismissal_without_notice" + excluded."outcome_dismissal_without_notice",
                 "would_have_been_dismissed" = t."would_have_been_dismissed" + excluded."would_have_been_dismissed",
                 "left_service" = t."left_service" + excluded."left_service",
                 "barred_list" = t."barred_list" + excluded."barred_list",
                 "advisory_list" = t."advisory_list" + excluded."advisory_list",
                 "allegation_substantiated" = t."allegation_substantiated" + excluded."allegation_substantiated",
                 "allegation_unsubstantiated" = t."allegation_unsubstantiated" + excluded."allegation_unsubstantiated",
                 "allegation_unfounded" = t."allegation_unfounded" + excluded."allegation_unfounded",
                 "allegation_malicious_or_vexatious" = t."allegation_malicious_or_vexatious" + excluded."allegation_malicious_or_vexatious",
                 "allegation_pending" = t."allegation_pending" + excluded."allegation_pending",
                 "criminal_no_further_action" = t."criminal_no_further_action" + excluded."criminal_no_further_action",
                 "criminal_charged" = t."criminal_charged" + excluded."criminal_charged",
                 "criminal_convicted" = t."criminal_convicted" + excluded."criminal_convicted",
                 "criminal_acquitted" = t."criminal_acquitted" + excluded."criminal_acquitted",
                 "criminal_caution" = t."criminal_caution" + excluded."criminal_caution",
                 "criminal_ongoing" = t."criminal_ongoing" + excluded."criminal_ongoing";
        END IF;
        RETURN NULL;
      END $function$;

CREATE TRIGGER case_figure_total_delete AFTER DELETE ON public.case_person_fact
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_figure_total_apply();

CREATE TRIGGER case_figure_total_insert AFTER INSERT ON public.case_person_fact
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_figure_total_apply();

CREATE TRIGGER case_figure_total_update AFTER UPDATE ON public.case_person_fact
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_figure_total_apply();
