import { Injectable } from '@nestjs/common';
import { CsvError, parse } from 'csv-parse/sync';
import type { Actor } from '../../common/auth/actor.js';
import { isIsoDate } from '../../common/dates.js';
import { Jobs } from '../../common/jobs.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditOutcome } from '../audit/audit.types.js';
import { IMPORT_COLUMNS, type ImportResult, type ImportRowError } from './dto/workforce.dto.js';
import { pgCode } from './workforce.service.js';
import { MemberType } from './workforce.enums.js';

type Column = (typeof IMPORT_COLUMNS)[number];
const REQUIRED: Column[] = ['staff_number', 'member_type', 'given_name', 'family_name'];
// The other columns are optional: absent from the header = keep what is stored; present and empty = clear.
const STAFF_NUMBER = /^[A-Za-z0-9][A-Za-z0-9/-]{0,31}$/;
const TYPES = Object.values(MemberType) as string[];
/** More than this many bad rows: the answer lists the first ones and says how many there were. */
const MAX_REPORTED_ERRORS = 1000;

interface Row {
  line: number;
  staffNumber: string;
  memberType: string;
  givenName: string;
  familyName: string;
  rankOrGrade: string | null;
  departmentCode: string | null;
  postCode: string | null;
  startDate: string | null;
  leaveDate: string | null;
}

/**
 * The HR system's bulk import: validate every row, then apply all of it in one statement (insert or
 * update by staff number) or nothing, answering 422 with every bad row's line and reason. A row updating a
 * record the caller may not see (the access policy: their own) is refused, and the refusal audited as
 * denied, naming them; the import's own audit row names every person it inserted or changed.
 */
@Injectable()
export class WorkforceImportService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly jobs: Jobs,
  ) {}

  async import(actor: Actor, csv: string): Promise<ImportResult> {
    const { header, rows } = this.parse(csv);
    const errors: ImportRowError[] = [];
    const bad = (line: number, column: string, message: string): void => {
      errors.push({ line, column, message });
    };

    const result = await this.tx.run(
      async (m): Promise<{ summary: ImportResult } | { refused: string[] }> => {
        const departments = new Map(
          (await m.query<{ code: string; id: string }[]>(`SELECT code, id FROM department`)).map((d) => [
            d.code,
            d.id,
          ]),
        );
        const posts = new Map(
          (await m.query<{ code: string; id: string }[]>(`SELECT code, id FROM post`)).map((p) => [
            p.code,
            p.id,
          ]),
        );
        // Staff numbers of records in the file that the caller may not see (their own): never changed by them.
        const hidden = new Map<string, string>();
        const visible = visibleTo(actor, RecordKind.WorkforceMember, 'm');
        if (!visible.unrestricted) {
          const params: unknown[] = [rows.map((r) => r.staffNumber)];
          const found = await m.query<{ id: string; staff_number: string }[]>(
            `SELECT m.id, m.staff_number FROM workforce_member m
            WHERE m.staff_number = ANY($1::text[]) AND NOT (${visible.sql(params)})`,
            params,
          );
          for (const f of found) hidden.set(f.staff_number, f.id);
        }

        const seen = new Map<string, number>();
        for (const r of rows) {
          if (!STAFF_NUMBER.test(r.staffNumber)) {
            bad(r.line, 'staff_number', 'staff_number must be 1-32 letters, digits, / or -');
          } else if (seen.has(r.staffNumber)) {
            bad(
              r.line,
              'staff_number',
              `staff_number ${r.staffNumber} is also on line ${seen.get(r.staffNumber)}`,
            );
          } else {
            seen.set(r.staffNumber, r.line);
            if (hidden.has(r.staffNumber)) {
              bad(r.line, 'staff_number', 'this row is your own workforce record, which you may not change');
            }
          }
          if (!TYPES.includes(r.memberType))
            bad(r.line, 'member_type', `member_type must be one of ${TYPES.join(', ')}`);
          if (r.givenName.length < 1 || r.givenName.length > 100)
            bad(r.line, 'given_name', 'given_name must be 1-100 characters');
          if (r.familyName.length < 1 || r.familyName.length > 100)
            bad(r.line, 'family_name', 'family_name must be 1-100 characters');
          if (r.rankOrGrade !== null && r.rankOrGrade.length > 100)
            bad(r.line, 'rank_or_grade', 'rank_or_grade must be at most 100 characters');
          if (r.departmentCode !== null && !departments.has(r.departmentCode)) {
            bad(r.line, 'department_code', 'department_code does not name a department');
          }
          if (r.postCode !== null && !posts.has(r.postCode))
            bad(r.line, 'post_code', 'post_code does not name a post');
          for (const [column, value] of [
            ['start_date', r.startDate],
            ['leave_date', r.leaveDate],
          ] as const) {
            if (value !== null && !isIsoDate(value))
              bad(r.line, column, `${column} must be a date (YYYY-MM-DD)`);
          }
          if (
            r.startDate &&
            r.leaveDate &&
            isIsoDate(r.startDate) &&
            isIsoDate(r.leaveDate) &&
            r.leaveDate < r.startDate
          ) {
            bad(r.line, 'leave_date', 'leave_date must not be before start_date');
          }
        }
        if (errors.length > 0) return { refused: [...hidden.values()] };

        const has = (c: Column): boolean => header.includes(c);
        const col = <T>(f: (r: Row) => T): T[] => rows.map(f);
        let counts: { inserted: string; updated: string; changed: string[] }[];
        try {
          counts = await m.query<{ inserted: string; updated: string; changed: string[] }[]>(
            `WITH input AS (
             SELECT * FROM unnest($1::text[], $2::member_type[], $3::text[], $4::text[], $5::text[], $6::uuid[],
                                  $7::uuid[], $8::date[], $9::date[])
               AS i(staff_number, member_type, given_name, family_name, rank_or_grade, department_id, post_id,
                    start_date, leave_date)
           ), upsert AS (
             INSERT INTO workforce_member AS w (staff_number, member_type, given_name, family_name, rank_or_grade,
               department_id, post_id, start_date, leave_date)
             SELECT * FROM input
             ON CONFLICT (staff_number) DO UPDATE SET
               member_type = EXCLUDED.member_type, given_name = EXCLUDED.given_name,
               family_name = EXCLUDED.family_name,
               rank_or_grade = CASE WHEN $10 THEN EXCLUDED.rank_or_grade ELSE w.rank_or_grade END,
               department_id = CASE WHEN $11 THEN EXCLUDED.department_id ELSE w.department_id END,
               post_id = CASE WHEN $12 THEN EXCLUDED.post_id ELSE w.post_id END,
               start_date = CASE WHEN $13 THEN EXCLUDED.start_date ELSE w.start_date END,
               leave_date = CASE WHEN $14 THEN EXCLUDED.leave_date ELSE w.leave_date END,
               version = w.version + 1, updated_at = now()
             WHERE (w.member_type, w.given_name, w.family_name, w.rank_or_grade, w.department_id, w.post_id,
                    w.start_date, w.leave_date)
               IS DISTINCT FROM
                   (EXCLUDED.member_type, EXCLUDED.given_name, EXCLUDED.family_name,
                    CASE WHEN $10 THEN EXCLUDED.rank_or_grade ELSE w.rank_or_grade END,
                    CASE WHEN $11 THEN EXCLUDED.department_id ELSE w.department_id END,
                    CASE WHEN $12 THEN EXCLUDED.post_id ELSE w.post_id END,
                    CASE WHEN $13 THEN EXCLUDED.start_date ELSE w.start_date END,
                    CASE WHEN $14 THEN EXCLUDED.leave_date ELSE w.leave_date END)
             RETURNING w.id, (xmax = 0) AS inserted
           )
           SELECT count(*) FILTER (WHERE inserted)::text AS inserted,
                  count(*) FILTER (WHERE NOT inserted)::text AS updated,
                  COALESCE(array_agg(id), '{}')::text[] AS changed FROM upsert`,
            [
              col((r) => r.staffNumber),
              col((r) => r.memberType),
              col((r) => r.givenName),
              col((r) => r.familyName),
              col((r) => r.rankOrGrade),
              col((r) => (r.departmentCode === null ? null : departments.get(r.departmentCode))),
              col((r) => (r.postCode === null ? null : posts.get(r.postCode))),
              col((r) => r.startDate),
              col((r) => r.leaveDate),
              has('rank_or_grade'),
              has('department_code'),
              has('post_code'),
              has('start_date'),
              has('leave_date'),
            ],
          );
        } catch (error) {
          if (pgCode(error) === '23514') {
            throw problems.unprocessable(
              'import_rejected',
              'A row would leave a member with a leave date before their start date (with the dates already stored); nothing was imported',
            );
          }
          throw error;
        }
        const inserted = Number(counts[0].inserted);
        const updated = Number(counts[0].updated);
        const summary: ImportResult = {
          rows: rows.length,
          inserted,
          updated,
          unchanged: rows.length - inserted - updated,
        };
        await this.audit.record(m, actor, {
          action: 'workforce_member.import',
          resourceType: 'workforce_member',
          subjectIds: counts[0].changed,
          details: { ...summary, columns: header },
        });
        return { summary };
      },
    );

    if (!('summary' in result)) {
      if (result.refused.length > 0) {
        await this.audit.recordAlone(actor, {
          action: 'workforce_member.import',
          resourceType: 'workforce_member',
          subjectIds: result.refused,
          outcome: AuditOutcome.Denied,
          details: { reason: 'not_visible', rows: rows.length },
        });
      }
      throw problems.unprocessable(
        'import_rejected',
        `${errors.length} row problem(s); nothing was imported`,
        {
          rowErrors: errors.slice(0, MAX_REPORTED_ERRORS),
          rowErrorCount: errors.length,
        },
      );
    }
    // Posts and dates may have changed for many people: one sweep re-checks them all.
    const { summary } = result;
    if (summary.inserted + summary.updated > 0) this.jobs.sweepSoon();
    return summary;
  }

  private parse(csv: string): { header: Column[]; rows: Row[] } {
    let records: { record: string[]; info: { lines: number } }[];
    try {
      records = parse(csv, {
        info: true,
        trim: true,
        skip_empty_lines: true,
        relax_column_count: false,
        bom: true,
      }) as unknown as { record: string[]; info: { lines: number } }[];
    } catch (error) {
      if (error instanceof CsvError) {
        const line = (error as CsvError & { lines?: number }).lines;
        throw problems.unprocessable(
          'invalid_csv',
          `The CSV cannot be read${line ? ` (line ${line})` : ''}; nothing was imported`,
          {
            rowErrors: line
              ? [{ line, column: '', message: 'the row is malformed (quoting or number of columns)' }]
              : [],
            rowErrorCount: 1,
          },
        );
      }
      throw error;
    }
    if (records.length === 0) throw problems.unprocessable('invalid_csv', 'The CSV is empty');
    const header = records[0].record.map((h) => h.toLowerCase());
    const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
    const missing = REQUIRED.filter((c) => !header.includes(c));
    const duplicated = header.filter((h, i) => header.indexOf(h) !== i);
    if (unknown.length || missing.length || duplicated.length) {
      throw problems.unprocessable(
        'invalid_csv_header',
        [
          missing.length ? `missing column(s): ${missing.join(', ')}` : '',
          unknown.length ? `unknown column(s): ${unknown.join(', ')}` : '',
          duplicated.length ? `repeated column(s): ${duplicated.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') + `. Columns: ${IMPORT_COLUMNS.join(', ')}`,
      );
    }
    if (records.length === 1) throw problems.unprocessable('invalid_csv', 'The CSV has a header but no rows');
    const index = (c: Column): number => header.indexOf(c);
    const cell = (rec: string[], c: Column): string | null => {
      const i = index(c);
      if (i < 0) return null;
      const v = rec[i] ?? '';
      return v === '' ? null : v;
    };
    const rows = records.slice(1).map(({ record, info }) => ({
      line: info.lines,
      staffNumber: cell(record, 'staff_number') ?? '',
      memberType: cell(record, 'member_type') ?? '',
      givenName: cell(record, 'given_name') ?? '',
      familyName: cell(record, 'family_name') ?? '',
      rankOrGrade: cell(record, 'rank_or_grade'),
      departmentCode: cell(record, 'department_code'),
      postCode: cell(record, 'post_code'),
      startDate: cell(record, 'start_date'),
      leaveDate: cell(record, 'leave_date'),
    }));
    return { header: header as Column[], rows };
  }
}
