import { Injectable } from '@nestjs/common';
import { CsvError, parse } from 'csv-parse/sync';
import type { Actor } from '../../common/auth/actor.js';
import { isIsoDate } from '../../common/dates.js';
import { Jobs } from '../../common/jobs.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditOutcome } from '../audit/audit.types.js';
import { IMPORT_COLUMNS, type ImportResult, type ImportRowError } from './dto/workforce.dto.js';
import { OrganisationRepository } from './organisation.repository.js';
import { pgCode } from './organisation.service.js';
import { type ImportRow, WorkforceImportRepository } from './workforce-import.repository.js';
import { WorkforceAudit, WorkforceError, WorkforceResource } from './workforce.codes.js';
import { MemberType } from './workforce.enums.js';

type Column = (typeof IMPORT_COLUMNS)[number];
const REQUIRED: Column[] = ['staff_number', 'member_type', 'given_name', 'family_name'];
// The other columns are optional: absent from the header = keep what is stored; present and empty = clear.
const STAFF_NUMBER = /^[A-Za-z0-9][A-Za-z0-9/-]{0,31}$/;
const TYPES: string[] = Object.values(MemberType);
const isMemberType = (v: string): v is MemberType => TYPES.includes(v);
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
 * The HR system's bulk import: validate every row (a post must belong to the row's department, where both
 * have one), then apply all of it in one statement (insert or
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
    private readonly repository: WorkforceImportRepository,
    private readonly organisation: OrganisationRepository,
  ) {}

  async import(actor: Actor, csv: string): Promise<ImportResult> {
    const { header, rows } = this.parse(csv);
    const errors: ImportRowError[] = [];
    const bad = (line: number, column: string, message: string): void => {
      errors.push({ line, column, message });
    };

    const result = await this.tx.write(
      async (m): Promise<{ summary: ImportResult } | { refused: string[] }> => {
        const departments = await this.organisation.departmentIdsByCode(m);
        const posts = await this.organisation.postsByCode(m);
        const departmentCodes = new Map([...departments].map(([code, id]) => [id, code]));
        const postDepartments = new Map([...posts.values()].map((p) => [p.id, p.departmentId]));
        // What is stored for the rows already on record: a column the file leaves out keeps it.
        const stored = await this.repository.stored(
          m,
          rows.map((r) => r.staffNumber),
        );
        // Staff numbers of records in the file that the caller may not see (their own): never changed by them.
        const hidden = await this.repository.hidden(
          m,
          actor,
          rows.map((r) => r.staffNumber),
        );

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
          if (!isMemberType(r.memberType))
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
          const mismatch = this.departmentMismatch(r, header, departments, posts, postDepartments, stored);
          if (mismatch) {
            bad(
              r.line,
              header.includes('post_code') ? 'post_code' : 'department_code',
              `the post belongs to department ${departmentCodes.get(mismatch.postDepartment) ?? mismatch.postDepartment}, not ${departmentCodes.get(mismatch.department) ?? mismatch.department}`,
            );
          }
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
        // Every row passed the checks above: its type is a member type and its codes name something.
        const input = rows.flatMap((r): ImportRow[] =>
          isMemberType(r.memberType)
            ? [
                {
                  staffNumber: r.staffNumber,
                  memberType: r.memberType,
                  givenName: r.givenName,
                  familyName: r.familyName,
                  rankOrGrade: r.rankOrGrade,
                  departmentId:
                    r.departmentCode === null ? null : (departments.get(r.departmentCode) ?? null),
                  postId: r.postCode === null ? null : (posts.get(r.postCode)?.id ?? null),
                  startDate: r.startDate,
                  leaveDate: r.leaveDate,
                },
              ]
            : [],
        );
        let counts;
        try {
          counts = await this.repository.upsert(m, input, {
            rankOrGrade: has('rank_or_grade'),
            department: has('department_code'),
            post: has('post_code'),
            startDate: has('start_date'),
            leaveDate: has('leave_date'),
          });
        } catch (error) {
          if (pgCode(error) === '23514') {
            throw problems.unprocessable(
              WorkforceError.ImportRejected,
              'A row would leave a member with a leave date before their start date (with the dates already stored); nothing was imported',
            );
          }
          throw error;
        }
        const inserted = Number(counts.inserted);
        const updated = Number(counts.updated);
        const summary: ImportResult = {
          rows: rows.length,
          inserted,
          updated,
          unchanged: rows.length - inserted - updated,
        };
        await this.audit.record(m, actor, {
          action: WorkforceAudit.MemberImport,
          resourceType: WorkforceResource.Member,
          subjectIds: counts.changed,
          details: { ...summary, columns: header },
        });
        return { summary };
      },
    );

    if (!('summary' in result)) {
      if (result.refused.length > 0) {
        await this.audit.recordAlone(actor, {
          action: WorkforceAudit.MemberImport,
          resourceType: WorkforceResource.Member,
          subjectIds: result.refused,
          outcome: AuditOutcome.Denied,
          details: { reason: 'not_visible', rows: rows.length },
        });
      }
      throw problems.unprocessable(
        WorkforceError.ImportRejected,
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

  /**
   * A row whose post belongs to another department than the row's (as the file gives them, or as stored
   * where the file leaves the column out): the two departments, or null when they agree or either is unknown.
   */
  private departmentMismatch(
    r: Row,
    header: Column[],
    departments: Map<string, string>,
    posts: Map<string, { id: string; departmentId: string | null }>,
    postDepartments: Map<string, string | null>,
    stored: Map<string, { departmentId: string | null; postId: string | null }>,
  ): { department: string; postDepartment: string } | null {
    const before = stored.get(r.staffNumber);
    const department = header.includes('department_code')
      ? r.departmentCode === null
        ? null
        : (departments.get(r.departmentCode) ?? null)
      : (before?.departmentId ?? null);
    const postDepartment = header.includes('post_code')
      ? r.postCode === null
        ? null
        : (posts.get(r.postCode)?.departmentId ?? null)
      : before?.postId
        ? (postDepartments.get(before.postId) ?? null)
        : null;
    return department !== null && postDepartment !== null && department !== postDepartment
      ? { department, postDepartment }
      : null;
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
          WorkforceError.InvalidCsv,
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
    if (records.length === 0) throw problems.unprocessable(WorkforceError.InvalidCsv, 'The CSV is empty');
    const header = records[0].record.map((h) => h.toLowerCase());
    const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
    const missing = REQUIRED.filter((c) => !header.includes(c));
    const duplicated = header.filter((h, i) => header.indexOf(h) !== i);
    if (unknown.length || missing.length || duplicated.length) {
      throw problems.unprocessable(
        WorkforceError.InvalidCsvHeader,
        [
          missing.length ? `missing column(s): ${missing.join(', ')}` : '',
          unknown.length ? `unknown column(s): ${unknown.join(', ')}` : '',
          duplicated.length ? `repeated column(s): ${duplicated.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') + `. Columns: ${IMPORT_COLUMNS.join(', ')}`,
      );
    }
    if (records.length === 1)
      throw problems.unprocessable(WorkforceError.InvalidCsv, 'The CSV has a header but no rows');
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
