-- iopc_referral_derive: a referral's financial year, from the date it was referred.
-- Owned by cases; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.iopc_referral_derive()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  NEW.referred_financial_year := case_financial_year(NEW.referred_on);
  RETURN NEW;
END $function$;

CREATE TRIGGER iopc_referral_derive BEFORE INSERT OR UPDATE ON public.iopc_referral
  FOR EACH ROW
  EXECUTE FUNCTION iopc_referral_derive();
