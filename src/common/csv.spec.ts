import { splitLastColumn, toCsv, withLiterals } from './csv.js';

describe('splitLastColumn', () => {
  const rows = [
    { a: 'plain', b: 'with, comma', c: null, id: '6f1c0f5e-0000-4000-8000-000000000001' },
    { a: 'line\nbreak', b: 'say "hi"', c: '', id: '6f1c0f5e-0000-4000-8000-000000000002' },
    { a: '"""', b: '\n,\n', c: 'ünïcödé £', id: '6f1c0f5e-0000-4000-8000-000000000001' },
    { a: 'x', b: '"', c: 'end', id: '6f1c0f5e-0000-4000-8000-000000000003' },
  ];

  it('takes the last column off, row by row, however the other cells are quoted', () => {
    const csv = Buffer.from(toCsv(['a', 'b', 'c', 'id'], rows));
    const { body, values } = splitLastColumn(csv);
    expect(body.toString()).toBe(toCsv(['a', 'b', 'c'], rows));
    expect(values).toEqual(rows.map((r) => r.id));
  });

  it('gives the header alone for a table without rows', () => {
    const { body, values } = splitLastColumn(Buffer.from('a,b,id\n'));
    expect(body.toString()).toBe('a,b\n');
    expect(values).toEqual([]);
  });

  it('refuses CSV it cannot split exactly', () => {
    expect(() => splitLastColumn(Buffer.from('a,id\n"open,x\n'))).toThrow(/unterminated/);
    expect(() => splitLastColumn(Buffer.from('a,id\nx,1'))).toThrow(/newline/);
    expect(() => splitLastColumn(Buffer.from('a,id\nnocomma\n'))).toThrow(/last column/);
  });
});

describe('withLiterals', () => {
  it('writes each parameter as a literal, strings escaped', () => {
    expect(withLiterals('SELECT $1, $2, $3, $4, $10', [7, "it's", null, true, 0, 0, 0, 0, 0, 'x'])).toBe(
      "SELECT 7, 'it''s', NULL, TRUE, 'x'",
    );
    expect(withLiterals('SELECT $1', ['back\\slash'])).toBe("SELECT  E'back\\\\slash'");
  });

  it('refuses values it does not know how to write, and missing ones', () => {
    expect(() => withLiterals('$1', [new Date()])).toThrow(/unsupported/);
    expect(() => withLiterals('$1', [1.5])).toThrow(/unsupported/);
    expect(() => withLiterals('$1', [['a']])).toThrow(/unsupported/);
    expect(() => withLiterals('$2', [1])).toThrow(/no value/);
  });
});
