/** The one piece of SQL rewriting the PostgreSQL engine does: `@name` and `?` placeholders to `$n`. */
import { describe, expect, it } from 'vitest';
import { bindValues, toPostgres } from '../src/store/sql/placeholders.js';

describe('placeholders for PostgreSQL', () => {
  it('numbers names in order of first use, the same name once, and binds their values', () => {
    const t = toPostgres('SELECT * FROM sites WHERE (CAST(@flight AS BIGINT) IS NULL OR flight_id = @flight) AND score >= @min');
    expect(t.text).toBe('SELECT * FROM sites WHERE (CAST($1 AS BIGINT) IS NULL OR flight_id = $1) AND score >= $2');
    expect(bindValues(t, { min: 0.5, flight: 3, unused: 'x' })).toEqual([3, 0.5]);
  });

  it('numbers ? in order and binds an array', () => {
    const t = toPostgres('UPDATE jobs SET error = ?, finished_at = ? WHERE id = ?');
    expect(t.text).toBe('UPDATE jobs SET error = $1, finished_at = $2 WHERE id = $3');
    expect(bindValues(t, ['x', '2026-01-01', 7])).toEqual(['x', '2026-01-01', 7]);
  });

  it("leaves string literals, quoted identifiers and comments alone (an e-mail's @, a '?' in text)", () => {
    const q = `SELECT 'who? @home' AS "a?b", name -- is it @x?\n FROM users WHERE note = 'it''s @y' AND id = @id`;
    const t = toPostgres(q);
    expect(t.text).toBe(`SELECT 'who? @home' AS "a?b", name -- is it @x?\n FROM users WHERE note = 'it''s @y' AND id = $1`);
    expect(t.order).toEqual(['id']);
  });

  it('names a missing parameter, and sends undefined as NULL', () => {
    expect(() => bindValues(toPostgres('SELECT @a, @b'), { a: 1 })).toThrow(/missing named parameter "b"/);
    expect(() => bindValues(toPostgres('SELECT ?, ?'), [1])).toThrow(/missing positional parameter 2/);
    expect(bindValues(toPostgres('SELECT @a'), { a: undefined })).toEqual([null]);
  });
});
