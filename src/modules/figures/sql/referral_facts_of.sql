-- referral_facts_of: what the referral figures count, one row per referral and subject (one row with no
-- person when the case has none): the year, basis, IOPC decision, the allegation result of the case (the best
-- established across its subjects once finalised), each subject's misconduct and criminal outcome bucket
-- (confirmed outcomes only) and the categories. referral_fact holds its rows for every referral
-- (referral_fact_refresh). test/database-logic.e2e-spec.ts compares it with the buckets computed in
-- TypeScript on generated cases; test/referral-facts.e2e-spec.ts checks that referral_fact always equals it.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.referral_facts_of(p_case_ids uuid[])
 RETURNS SETOF referral_fact
 LANGUAGE sql
 STABLE
AS $function$
SELECT x.case_id, x.workforce_member_id, x.referred_financial_year, x.finalised_financial_year,
       x.basis, x.decision, x.open,
       CASE WHEN x.open THEN 'pending'
            ELSE CASE min(x.allegation_rank) OVER (PARTITION BY x.case_id)
                   WHEN 1 THEN 'substantiated' WHEN 2 THEN 'unsubstantiated' WHEN 3 THEN 'unfounded'
                   WHEN 4 THEN 'malicious_or_vexatious' ELSE 'pending' END
       END,
       row_number() OVER (PARTITION BY x.case_id ORDER BY x.workforce_member_id NULLS FIRST) = 1,
       x.misconduct, x.criminal, x.primary_category, x.categories
  FROM (
    SELECT ref.case_id, cs.workforce_member_id, ref.referred_financial_year, c.finalised_financial_year,
           ref.basis, ref.decision, c.finalised_at IS NULL AS open,
           CASE o.allegation_result WHEN 'substantiated' THEN 1 WHEN 'unsubstantiated' THEN 2
                WHEN 'unfounded' THEN 3 WHEN 'malicious_or_vexatious' THEN 4 END AS allegation_rank,
           CASE WHEN cs.workforce_member_id IS NULL THEN NULL
                WHEN c.case_type = 'criminal' THEN 'not_applicable'
                WHEN o.misconduct_finding IS NULL THEN 'pending'
                WHEN o.misconduct_finding = 'no_case_to_answer' THEN 'no_case_to_answer'
                WHEN o.proceedings_result IS NULL THEN 'pending'
                WHEN o.proceedings_result = 'not_proven' THEN 'not_proven'
                WHEN o.misconduct_outcome IS NOT NULL THEN o.misconduct_outcome::text
                WHEN o.would_have_been_dismissed THEN 'would_have_been_dismissed'
                ELSE 'pending' END AS misconduct,
           CASE WHEN cs.workforce_member_id IS NULL THEN NULL
                WHEN c.case_type = 'misconduct' THEN 'not_applicable'
                WHEN o.criminal_outcome IS NULL OR o.criminal_outcome = 'ongoing' THEN 'pending'
                ELSE o.criminal_outcome::text END AS criminal,
           c.primary_category, c.categories
      FROM iopc_referral ref
      JOIN case_record c ON c.id = ref.case_id
      LEFT JOIN case_subject cs ON cs.case_id = c.id
      LEFT JOIN case_subject_outcome o
        ON o.case_id = cs.case_id AND o.workforce_member_id = cs.workforce_member_id AND o.confirmed_at IS NOT NULL
     WHERE ref.case_id = ANY (p_case_ids)
  ) x
$function$;
