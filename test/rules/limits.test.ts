/**
 * The one table of input limits (rules/limits.ts): the poison values of issue 15 are refused with
 * the field named, and the values a contract really meets pass.
 */
import { describe, expect, test } from 'vitest';
import { DATE_RANGES, TEXT_LIMITS, checkCommandFields, checkDate, checkEmail, checkInstant, checkMonth, checkText } from '../../rules/limits.js';

describe('dates: one plausible range per kind', () => {
  test('the ranges are stated once: 2000-01-01 … 2099-12-31 for instants and dates, 2000-01 … 2099-12 for months', () => {
    expect(DATE_RANGES).toEqual({
      instant: { earliest: '2000-01-01', latest: '2099-12-31' },
      date: { earliest: '2000-01-01', latest: '2099-12-31' },
      month: { earliest: '2000-01', latest: '2099-12' },
    });
  });

  test.each([
    // 1900 is before 昭和 (1926-12-25): notices/format.ts cannot write it in 和暦.
    ['1900-01-01T00:00:00+09:00', 'outside the plausible range'],
    ['0000-01-01T00:00:00Z', 'outside the plausible range'],
    // 9999-12-31 23:00 UTC is 10000-01-01 08:00 in Asia/Tokyo: a five-digit year.
    ['9999-12-31T23:00:00Z', 'outside the plausible range'],
    ['10000-01-01T00:00:00Z', 'not an ISO instant'],
    // 2099-12-31T15:00Z is 2100-01-01 00:00 JST: one day past the range.
    ['2099-12-31T15:00:00Z', 'outside the plausible range'],
    ['2027-02-30T10:00:00+09:00', 'not an ISO instant'],
    ['2027-04-01T24:00:00+09:00', 'not an ISO instant'],
    ['2027-04-01T10:00:00', 'not an ISO instant'],
  ])('instant %s is refused (%s)', (value, why) => {
    expect(checkInstant(value)).toContain(why);
  });

  test.each(['2000-01-01T00:00:00+09:00', '2027-04-01T10:00:00+09:00', '2099-12-31T14:59:59.999Z'])('instant %s passes', (value) => {
    expect(checkInstant(value)).toBeUndefined();
  });

  test('dates and months', () => {
    expect(checkDate('1999-12-31')).toContain('outside the plausible range 2000-01-01 … 2099-12-31');
    expect(checkDate('9999-12-31')).toContain('outside the plausible range');
    expect(checkDate('2027-02-29')).toContain('not a calendar date');
    expect(checkDate('2028-02-29')).toBeUndefined();
    expect(checkMonth('2100-01')).toContain('outside the plausible range 2000-01 … 2099-12');
    expect(checkMonth('2027-13')).toContain('not a month');
    expect(checkMonth('2027-04')).toBeUndefined();
  });
});

describe('text: well-formed, no control characters, bounded', () => {
  test('a lone surrogate is refused; a surrogate pair (an emoji) is text like any other', () => {
    expect(checkText('理由\ud800', 100)).toContain('lone UTF-16 surrogate');
    expect(checkText('\udc00理由', 100)).toContain('lone UTF-16 surrogate');
    expect(checkText('理由😀', 100)).toBeUndefined();
  });

  test('NUL and other control characters are refused; multiline text may hold line breaks and tabs', () => {
    expect(checkText('a\u0000b', 100, true)).toContain('control character');
    expect(checkText('a\u001bb', 100, true)).toContain('control character');
    expect(checkText('a\nb', 100)).toContain('control character');
    expect(checkText('a\r\n\tb', 100, true)).toBeUndefined();
  });

  test('length is counted in UTF-16 code units, as JSON Schema maxLength and zod count', () => {
    expect(checkText('あ'.repeat(200), 200)).toBeUndefined();
    expect(checkText('あ'.repeat(201), 200)).toBe('is longer than 200 characters');
  });
});

describe('e-mail: RFC 5321 limits', () => {
  test('local part ≤ 64, whole address ≤ 254', () => {
    expect(TEXT_LIMITS.emailLocal).toBe(64);
    expect(TEXT_LIMITS.email).toBe(254);
    expect(checkEmail(`${'a'.repeat(64)}@example.jp`)).toBeUndefined();
    expect(checkEmail(`${'a'.repeat(65)}@example.jp`)).toContain('local part');
    // 64 + 1 + 189 = 254 characters: the longest address.
    const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(59)}.example`; // 60 + 1 + 60 + 1 + 59 + 1 + 7 = 189
    expect(domain.length).toBe(189);
    expect(checkEmail(`${'a'.repeat(64)}@${domain}`)).toBeUndefined();
    expect(checkEmail(`${'a'.repeat(64)}@${domain}x`)).toBe('is longer than 254 characters');
  });
});

describe('a command argument, field by field', () => {
  test('names the first wrong field by its path', () => {
    expect(checkCommandFields({ occurredAt: '1900-01-01T00:00:00+09:00', description: 'x' })).toEqual({
      field: 'occurredAt',
      message: expect.stringContaining('outside the plausible range'),
    });
    expect(checkCommandFields({ customer: { id: 'C1', name: 'テスト\ud800' } })?.field).toBe('customer.name');
    expect(checkCommandFields({ grounds: [1, 100] })).toEqual({ field: 'grounds.1', message: 'must be from 1 to 99' });
    expect(checkCommandFields({ designatedDays: 1e9 })?.field).toBe('designatedDays');
    expect(checkCommandFields({ anything: 'x'.repeat(501) })).toEqual({ field: 'anything', message: 'is longer than 500 characters' });
  });

  test('a real command passes', () => {
    expect(
      checkCommandFields({
        clauseId: 'NGN-25',
        act: 3,
        occurredAt: '2027-04-01T10:00:00+09:00',
        designatedDays: 10,
        description: '帯域の不正利用\n2 回目',
      }),
    ).toBeUndefined();
  });
});
