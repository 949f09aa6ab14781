import { migrationFor } from './db-definitions.js';

describe('npm run db:definitions', () => {
  it('writes a migration that applies the files and restores the database on revert', () => {
    const fn = (text: string) => ({ kind: 'function' as const, key: 'public.f()', text });
    const trigger = (text: string) => ({ kind: 'trigger' as const, key: 't ON public.x', text });
    const text = migrationFor('ChangeF', 1, {
      changed: [
        {
          file: { ...fn('CREATE OR REPLACE FUNCTION public.f() AS $$ `${new}` \\ $$'), file: 'a.sql' },
          database: { ...fn('CREATE OR REPLACE FUNCTION public.f() AS $$ old $$'), dropTarget: 'public.f()' },
        },
        {
          file: { ...trigger('CREATE TRIGGER t AFTER UPDATE ON public.x'), file: 'a.sql' },
          database: { ...trigger('CREATE TRIGGER t AFTER INSERT ON public.x'), dropTarget: 't ON x' },
        },
      ],
      onlyInFiles: [],
      onlyInDatabase: [
        { ...fn('CREATE OR REPLACE FUNCTION public.g()'), key: 'public.g()', dropTarget: 'public.g()' },
      ],
      duplicated: [],
    });
    const up = text.slice(text.indexOf('up('), text.indexOf('down('));
    const down = text.slice(text.indexOf('down('));
    expect(up.match(/q\.query\(`[^\n]*/g)).toEqual([
      'q.query(`DROP TRIGGER t ON x`);',
      'q.query(`DROP FUNCTION public.g()`);',
      'q.query(`CREATE OR REPLACE FUNCTION public.f() AS $$ \\`\\${new}\\` \\\\ $$`);',
      'q.query(`CREATE TRIGGER t AFTER UPDATE ON public.x`);',
    ]);
    expect(down.match(/q\.query\(`[^\n]*/g)).toEqual([
      'q.query(`DROP TRIGGER t ON public.x`);',
      'q.query(`CREATE OR REPLACE FUNCTION public.f() AS $$ old $$`);',
      'q.query(`CREATE OR REPLACE FUNCTION public.g()`);',
      'q.query(`CREATE TRIGGER t AFTER INSERT ON public.x`);',
    ]);
    expect(text).toContain('export class ChangeF1 implements MigrationInterface');
  });
});
