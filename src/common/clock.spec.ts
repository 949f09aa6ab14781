import { londonDateOf } from './clock.js';

describe('londonDateOf', () => {
  it('is the London date, not the UTC one, during British Summer Time', () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London.
    expect(londonDateOf(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
  });

  it('equals the UTC date in winter (GMT)', () => {
    expect(londonDateOf(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });

  it('follows the clocks changing (last Sunday of March, 01:00 UTC)', () => {
    expect(londonDateOf(new Date('2026-03-28T23:59:00Z'))).toBe('2026-03-28');
    expect(londonDateOf(new Date('2026-03-29T23:30:00Z'))).toBe('2026-03-30');
  });
});
