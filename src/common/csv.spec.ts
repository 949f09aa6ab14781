import { PassThrough } from 'node:stream';
import { csvCell, LastColumnSplitter, neutraliseFormula, readEach, toCsv, withLiterals } from './csv.js';

/** A whole CSV fed to the splitter at once. */
function splitLastColumn(csv: Buffer): { body: Buffer; values: string[] } {
  const splitter = new LastColumnSplitter();
  splitter.push(csv);
  return splitter.end();
}

describe('LastColumnSplitter', () => {
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

  it('gives the same fed in chunks of any size, rows and quoted cells cut anywhere', () => {
    const csv = Buffer.from(toCsv(['a', 'b', 'c', 'id'], rows));
    const whole = splitLastColumn(csv);
    for (const size of [1, 2, 3, 5, 7, 16, 64]) {
      const splitter = new LastColumnSplitter();
      for (let i = 0; i < csv.length; i += size) splitter.push(csv.subarray(i, i + size));
      const { body, values } = splitter.end();
      expect(body.equals(whole.body)).toBe(true);
      expect(values).toEqual(rows.map((r) => r.id));
    }
  });

  it('refuses CSV it cannot split exactly, an unfinished last row however it was fed', () => {
    for (const [csv, error] of [
      ['a,id\n"open,x\n', /unterminated/],
      ['a,id\nx,1', /newline/],
    ] as const) {
      expect(() => splitLastColumn(Buffer.from(csv))).toThrow(error);
      const splitter = new LastColumnSplitter();
      for (const byte of Buffer.from(csv)) splitter.push(Buffer.from([byte]));
      expect(() => splitter.end()).toThrow(error);
    }
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

describe('readEach', () => {
  it('reads a stream to its end even after a chunk is refused, then fails with that refusal', async () => {
    const stream = new PassThrough();
    const seen: string[] = [];
    const read = readEach(stream, (chunk) => {
      seen.push(chunk.toString());
      if (seen.length === 1) throw new Error('refused');
    });
    stream.write('a');
    stream.write('b');
    stream.end('c');
    await expect(read).rejects.toThrow('refused');
    expect(seen).toEqual(['a']);
    expect(stream.readableEnded).toBe(true);
  });
});

describe('formula cells (CSV injection, OWASP)', () => {
  it('puts a single quote before text beginning with =, +, -, @, tab or carriage return', () => {
    for (const text of [
      '=HYPERLINK("http://x","y")',
      '+1',
      "-2+3+cmd|' /C calc'!A0",
      '@SUM(A1)',
      '\tx',
      '\rx',
    ]) {
      expect(neutraliseFormula(text)).toBe(`'${text}`);
    }
    for (const text of ['plain', '', ' =1', "'=1", '1-2', 'a@b.c'])
      expect(neutraliseFormula(text)).toBe(text);
  });

  it('neutralises every text cell toCsv writes, arrays and JSON included, and leaves numbers alone', () => {
    const csv = toCsv(
      ['text', 'number', 'list', 'big', 'when', 'flag', 'object'],
      [
        {
          text: '=1+1',
          number: -5,
          list: ['-a', 'b'],
          big: -5n,
          when: new Date('2026-01-02T03:04:05Z'),
          flag: false,
          object: { a: '=x' },
        },
      ],
    );
    expect(csv.split('\n')[1]).toBe(`'=1+1,-5,'-a;b,-5,2026-01-02T03:04:05.000Z,false,"{""a"":""=x""}"`);
    // A tab or carriage return cell is quoted (RFC 4180) after it is prefixed.
    expect(toCsv(['v'], [{ v: '\r=1' }])).toBe(`v\n"'\r=1"\n`);
  });

  it('does the same in the SQL of a COPY cell, keeping numbers for the SQL number types', () => {
    expect(csvCell('r.x')).toContain("'^[-=+@\\t\\r]'");
    expect(csvCell('r.x')).toContain("'integer'::regtype");
  });
});
