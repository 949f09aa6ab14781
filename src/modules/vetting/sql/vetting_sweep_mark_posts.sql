-- vetting_sweep_mark_posts: marks for the next incremental sweep the members of a post whose required level
-- changed.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_sweep_mark_posts()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  INSERT INTO vetting_sweep_dirty (workforce_member_id)
  SELECT m.id FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN workforce_member m ON m.post_id = n.id
   WHERE n.required_level IS DISTINCT FROM o.required_level;
  RETURN NULL;
END $function$;

CREATE TRIGGER vetting_sweep_mark_update AFTER UPDATE ON public.post
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_mark_posts();
