import { compareDefinitions, normalised, splitStatements } from './definitions.js';

describe('database definition files', () => {
  it('reads a file as PostgreSQL would: quotes and dollar-quoted bodies whole, comments outside dropped', () => {
    expect(
      splitStatements(`-- a header; with a semicolon
CREATE OR REPLACE FUNCTION public.f()
 RETURNS text
 LANGUAGE sql
AS $function$ SELECT 'a;b' || $x$;$x$ -- ; in a body
$function$;
/* between; */ CREATE TRIGGER t AFTER INSERT ON public.x
  FOR EACH ROW WHEN ((new.a = 'it''s;')) EXECUTE FUNCTION f();`),
    ).toEqual([
      `CREATE OR REPLACE FUNCTION public.f()
 RETURNS text
 LANGUAGE sql
AS $function$ SELECT 'a;b' || $x$;$x$ -- ; in a body
$function$`,
      `CREATE TRIGGER t AFTER INSERT ON public.x
  FOR EACH ROW WHEN ((new.a = 'it''s;')) EXECUTE FUNCTION f()`,
    ]);
  });

  it('compares functions line by line, indentation aside, and triggers whatever their line breaks', () => {
    const fn = { kind: 'function' as const, key: 'public.f()' };
    const body = (text: string) => ({ ...fn, text, file: 'f.sql' });
    expect(normalised(body('A\n    B  \n\n'))).toBe(normalised(body('A\nB')));
    expect(normalised(body('A\n-- c\nB'))).not.toBe(normalised(body('A\n-- c B')));
    const trigger = { kind: 'trigger' as const, key: 't ON public.x', dropTarget: 't ON x' };
    const { changed, onlyInDatabase, onlyInFiles } = compareDefinitions(
      [{ ...trigger, text: 'CREATE TRIGGER t\n  AFTER INSERT ON public.x', file: 'x.sql' }],
      [{ ...trigger, text: 'CREATE TRIGGER t AFTER INSERT ON public.x' }],
    );
    expect([changed, onlyInDatabase, onlyInFiles]).toEqual([[], [], []]);
  });
});
