import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every statement (SQL text or Kysely builder) in the intelligence and cases modules that touches a table of
 * records about people goes through the access policy (issue 22): the function it sits in names `visibleTo` (or
 * a helper built on it),
 * `requireVisible` (directly, or through the module's gate `locate` / `visibleOr404`), or the statement carries
 * an `// access:` comment just above it saying why it needs neither (a write or read by id after the gate, a
 * fragment used inside a policed query, ...). Simple and textual on purpose: a new query without one fails here.
 */
const TABLES = [
  'intelligence_report',
  'intelligence_subject',
  'case_record',
  'case_subject',
  'case_intelligence',
  'case_event',
  'iopc_referral',
  'case_subject_outcome',
];
const POLICY = [
  /\bvisibleTo\(/,
  /\breportsVisible\(/,
  /\breportVisible\(/,
  /\brequireVisible\(/,
  /\bthis\.locate\(/,
  /\bthis\.visibleOr404\(/,
  /\bthis\.items\(/,
];
/** Where a method or a top-level function or constant starts (prettier's layout). */
const START =
  /^(?: {2}(?:(?:private|public|protected|static|async)\s+)*[A-Za-z_$][\w$]*\s*(?:<[^>]*>)?\(|(?:export\s+)?(?:async\s+)?function\s|(?:export\s+)?const\s|class\s|export\s+class\s)/;

interface Finding {
  file: string;
  line: number;
  sql: string;
}

/**
 * Where a Kysely query names a record table (`db.selectFrom('case_record as c')`, a join, an update...): the
 * builder's form of a statement, checked like SQL text.
 */
const BUILDER =
  /\.(?:selectFrom|updateTable|insertInto|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|with)\(\s*'([a-z_]+)(?: as \w+)?'/g;

/**
 * The statements on a record table: SQL text (template literals), whose `// access:` is in the 3 lines above,
 * and Kysely builders, whose chain (and so its `// access:`) may start anywhere above in the function, a
 * subquery being part of its statement (`reach` null).
 */
function statements(source: string): { index: number; text: string; reach: number | null }[] {
  const found: { index: number; text: string; reach: number | null }[] = [];
  const literal = /`(?:[^`\\]|\\.)*`/gs;
  for (const match of source.matchAll(literal)) {
    const text = match[0];
    const sqlLike = /\b(SELECT|INSERT|UPDATE|DELETE|FROM|JOIN)\b/.test(text);
    if (sqlLike && TABLES.some((t) => new RegExp(`\\b${t}\\b`).test(text))) {
      found.push({ index: match.index, text, reach: 3 });
    }
  }
  for (const match of source.matchAll(BUILDER)) {
    if (TABLES.includes(match[1])) found.push({ index: match.index, text: match[0], reach: null });
  }
  return found;
}

/** The SQL statements (template literals or Kysely builders naming one of TABLES) without the policy in their function. */
export function unpoliced(file: string, source: string): Finding[] {
  const lines = source.split('\n');
  const findings: Finding[] = [];
  for (const { index, text, reach } of statements(source)) {
    const startLine = source.slice(0, index).split('\n').length - 1;
    // The enclosing function: back to its first line, forward to the next function's.
    let from = startLine;
    while (from > 0 && !START.test(lines[from])) from--;
    // An `// access:` comment above the statement (its own justification).
    // (For a builder: anywhere in its function, or just above the function's first line.)
    const above = lines.slice(Math.max(0, reach === null ? from - 2 : startLine - reach), startLine + 1);
    if (/\/\/ access:/.test(above.join('\n'))) continue;
    let to = startLine + 1;
    while (to < lines.length && !START.test(lines[to])) to++;
    const body = lines.slice(from, to).join('\n');
    if (POLICY.some((p) => p.test(body))) continue;
    findings.push({ file, line: startLine + 1, sql: text.slice(0, 80).replace(/\s+/g, ' ') });
  }
  return findings;
}

const root = fileURLToPath(new URL('../', import.meta.url));
const sources = ['intelligence', 'cases'].flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !/\.(spec|entity|demo)\.ts$/.test(f) && !f.startsWith('dto'))
    .map((f) => join(dir, f)),
);

describe('record queries go through the access policy', () => {
  it('finds the modules to check', () => {
    expect(sources).toEqual(
      expect.arrayContaining(['intelligence/intelligence.repository.ts', 'cases/cases.service.ts']),
    );
  });

  it.each(sources)(
    '%s: every statement on a record table names the policy or an `// access:` reason',
    (file) => {
      expect(unpoliced(file, readFileSync(join(root, file), 'utf8'))).toEqual([]);
    },
  );

  it('flags a statement without the policy and accepts one with it or with a reason', () => {
    const bare = `class X {\n  async list(m) {\n    return m.query(\`SELECT * FROM case_record c\`);\n  }\n}\n`;
    const bareBuilder = `class X {\n  list(tx) {\n    return all(tx, db.selectFrom('case_record as c').selectAll());\n  }\n}\n`;
    const policedBuilder = `class X {\n  list(tx, actor) {\n    return all(tx, db.selectFrom('case_record as c').where(visibleTo(actor, RecordKind.Case, 'c').expr()));\n  }\n}\n`;
    const policed = `class X {\n  async list(m, actor) {\n    const p = [];\n    return m.query(\`SELECT * FROM case_record c WHERE \${visibleTo(actor, RecordKind.Case, 'c').sql(p)}\`, p);\n  }\n}\n`;
    const reasoned = `class X {\n  async touch(m, id) {\n    // access: by id after requireVisible.\n    return m.query(\`UPDATE case_record SET version = version + 1 WHERE id = $1\`, [id]);\n  }\n}\n`;
    expect(unpoliced('x.ts', bare)).toHaveLength(1);
    expect(unpoliced('x.ts', bareBuilder)).toHaveLength(1);
    expect(unpoliced('x.ts', policedBuilder)).toEqual([]);
    expect(unpoliced('x.ts', policed)).toEqual([]);
    expect(unpoliced('x.ts', reasoned)).toEqual([]);
  });

  it('does the same for Kysely statements', () => {
    const bare = `class X {\n  async list(tx) {\n    return all(tx, db.selectFrom('case_record as c').selectAll());\n  }\n}\n`;
    const policed = `class X {\n  async list(tx, actor) {\n    return all(tx, db.selectFrom('case_record as c').where(visibleTo(actor, RecordKind.Case, 'c').expr()));\n  }\n}\n`;
    const reasoned = `class X {\n  async touch(tx, id) {\n    // access: by id after requireVisible.\n    return all(tx, db.updateTable('case_record').set({ version: 2 }).where('id', '=', id));\n  }\n}\n`;
    expect(unpoliced('x.ts', bare)).toHaveLength(1);
    expect(unpoliced('x.ts', policed)).toEqual([]);
    expect(unpoliced('x.ts', reasoned)).toEqual([]);
  });
});
