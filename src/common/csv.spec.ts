import { withLiterals } from './csv.js';

describe('withLiterals', () => {
  it('writes each parameter as a literal, strings escaped', () => {
    expect(withLiterals('SELECT $1, $2, $3, $4, $10', [7, "it's", null, true, 0, 0, 0, 0, 0, 'x'])).toBe(
      "SELECT 7, 'it''s', NULL, TRUE, 'x'",
    );
    expect(withLiterals('SELECT $1', ['back\\slash'])).toBe("SELECT  E'back\\\\slash'");
  });

  it('writes arrays of strings as ARRAY[…] (an empty one as {}) and plain objects as their JSON', () => {
    expect(withLiterals('$1::text[], $2::text[]', [["it's", 'b'], []])).toBe(
      "ARRAY['it''s', 'b']::text[], '{}'::text[]",
    );
    expect(withLiterals('$1::jsonb', [{ a: "it's", b: [1, null] }])).toBe(`'{"a":"it''s","b":[1,null]}'::jsonb`);
  });

  it('refuses values it does not know how to write, and missing ones', () => {
    expect(() => withLiterals('$1', [new Date()])).toThrow(/unsupported/);
    expect(() => withLiterals('$1', [1.5])).toThrow(/unsupported/);
    expect(() => withLiterals('$1', [[1]])).toThrow(/unsupported/);
    expect(() => withLiterals('$1', [new Map()])).toThrow(/unsupported/);
    expect(() => withLiterals('$2', [1])).toThrow(/no value/);
  });
});
