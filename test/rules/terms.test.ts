import { describe, expect, it } from 'vitest';
import { BusinessCalendar, latestCancellationNoticeDay, minimumTerm, nonRenewalDeadline, earliestDateAfterNotice } from '../../rules/calendar.js';
import { defaultCalendarData } from '../../rules/holidays-jp.js';
import { lateDamages } from '../../rules/money.js';
import {
  NGN_2020_02_01,
  NGN_VERSIONS,
  TNC_2022_07_01,
  getTerms,
  isDecided,
  listTermsVersions,
  termsInForceOn,
  type Param,
  type TermsCatalog,
} from '../../rules/terms/index.js';

/** Every Param in a catalog, with its path. */
function params(c: TermsCatalog): [string, Param<unknown>][] {
  const out: [string, Param<unknown>][] = [];
  const walk = (o: unknown, path: string) => {
    if (o && typeof o === 'object' && !Array.isArray(o)) {
      if ('clause' in o && 'value' in o) out.push([path, o as Param<unknown>]);
      else for (const [k, v] of Object.entries(o)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  for (const [k, v] of Object.entries(c)) walk(v, k);
  return out;
}

describe('terms registry (versioned catalogs)', () => {
  it('latest and explicit versions', () => {
    expect(getTerms('NGN').version).toBe('2020-02-01');
    expect(getTerms('TNC').version).toBe('2022-07-01');
    expect(getTerms('NGN', '2020-02-01')).toBe(NGN_2020_02_01);
    expect(getTerms('TNC', '2022-07-01')).toBe(TNC_2022_07_01);
    expect(listTermsVersions('NGN')).toEqual(['2020-02-01']);
    expect(listTermsVersions('TNC')).toEqual(['2022-07-01']);
    expect(() => getTerms('NGN', '1999-01-01')).toThrow(/Unknown NGN terms version/);
  });
  it('termsInForceOn', () => {
    expect(termsInForceOn('TNC', '2022-06-30')).toBeUndefined();
    expect(termsInForceOn('TNC', '2025-01-01')).toBe(TNC_2022_07_01);
  });
  it('published versions are deeply frozen (a new version cannot change an old one)', () => {
    expect(Object.isFrozen(NGN_VERSIONS)).toBe(true);
    expect(Object.isFrozen(NGN_2020_02_01.cancellation.value)).toBe(true);
    expect(Object.isFrozen(TNC_2022_07_01.rejectionGrounds.value[0])).toBe(true);
    expect(() => {
      (NGN_2020_02_01.cureWindowDays as { value: number }).value = 99;
    }).toThrow(TypeError);
    expect(getTerms('NGN').cureWindowDays.value).toBe(10);
  });
});

describe.each([
  ['NGN', NGN_2020_02_01],
  ['TNC', TNC_2022_07_01],
] as const)('%s catalog is uniform', (id, c) => {
  const ps = params(c);
  it('has many parameters, each citing a clause of its own 約款', () => {
    expect(ps.length).toBeGreaterThan(40);
    for (const [path, p] of ps) expect(p.clause, path).toMatch(new RegExp(`^${id}-\\d+(\\.\\d+)?$`));
  });
  it('every decide carries a reason', () => {
    const decided = ps.filter(([, p]) => isDecided(p));
    expect(decided.length).toBeGreaterThan(5);
    for (const [path, p] of decided) {
      expect(isDecided(p) && p.reason.length, path).toBeGreaterThan(40);
    }
  });
  it('rejection grounds are codes 1..9 with ja and en labels', () => {
    const g = c.rejectionGrounds.value;
    expect(g.map((x) => x.code)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const x of g) {
      expect(x.ja.length).toBeGreaterThan(3);
      expect(x.en.length).toBeGreaterThan(3);
    }
  });
});

describe('NGN catalog values (NGN-10 … NGN-45)', () => {
  const n = NGN_2020_02_01;
  it.each([
    ['NGN-10 applicant', n.applicant, { kinds: ['corporate'], domesticCorporationOnly: true }, 'NGN-10'],
    ['NGN-11 formation', n.formation, 'acceptance-notice-sent', 'NGN-11'],
    ['NGN-12 written rejection', n.rejectionNotice, 'written', 'NGN-12'],
    ['NGN-17 minimum term', n.minimumTerm, { months: 12, startRule: 'month-after-service-start' }, 'NGN-17'],
    ['NGN-39 renewal', n.renewal, { periodMonths: 12, nonRenewalLeadMonths: 1, writtenNotice: true }, 'NGN-39'],
    ['NGN-25 cure window', n.cureWindowDays, 10, 'NGN-25'],
    ['NGN-40(10) force majeure', n.forceMajeureTerminationDays, 30, 'NGN-40'],
    ['NGN-38 abolition', n.abolitionNotice, { leadDays: 60, counting: 'clear-days' }, 'NGN-38'],
    ['NGN-33.1 threshold', n.outageThresholdHours, 24, 'NGN-33.1'],
    ['NGN-33.2 divisor', n.creditDailyDivisor, 30, 'NGN-33.2'],
    ['NGN-20 surcharge', n.evasionSurchargeMultiple, 2, 'NGN-20'],
    ['NGN-23 tax', n.taxRate, '0.10', 'NGN-23'],
    ['NGN-36 suspension notice', n.notices.suspension, 'prior-unless-emergency', 'NGN-36'],
    ['NGN-37 stoppage notice', n.notices.stoppage, 'prior-unless-emergency', 'NGN-37'],
    ['NGN-16.2 fees while suspended', n.feesAccrueWhileSuspended, true, 'NGN-16.2'],
  ] as const)('%s', (_name, p, value, clause) => {
    expect(p.value).toEqual(value);
    expect(p.clause).toBe(clause);
  });
  it('NGN-41 cancellation lead 1 month + 5 business days', () => {
    expect(n.cancellation.value).toMatchObject({ leadMonths: 1, leadBusinessDays: 5, writtenForm: true, onlyAfterMinimumTerm: true });
  });
  it('NGN-21 late interest rate 14.6%', () => {
    expect(n.lateInterest.value.annualRate).toBe('0.146');
    expect(n.lateInterest.value.daysInYear).toBe(365);
  });
  it('NGN-43 erasure certificate reminders', () => {
    expect(n.erasureCertificate.value).toEqual({ required: true, reminderIntervalDays: 14, maxReminders: 6 });
  });
  it('NGN-18 penalty and NGN-38 abolition are decides', () => {
    expect(isDecided(n.earlyTerminationFee)).toBe(true);
    expect(isDecided(n.abolitionNotice)).toBe(true);
    expect(isDecided(n.creditDailyDivisor)).toBe(true);
  });
  it('catalog drives the calendar rules (NGN-17, NGN-39, NGN-41)', () => {
    const cal = new BusinessCalendar(defaultCalendarData(2025, 2027));
    expect(minimumTerm('2025-03-15', n.minimumTerm.value.months)).toEqual({ start: '2025-04-01', end: '2026-03-31' });
    expect(nonRenewalDeadline('2026-03-31', n.renewal.value!.nonRenewalLeadMonths)).toBe('2026-02-28');
    const { leadMonths, leadBusinessDays } = n.cancellation.value;
    expect(latestCancellationNoticeDay(cal, '2026-06-08', leadMonths, leadBusinessDays)).toBe('2026-04-27');
  });
});

describe('TNC catalog values (TNC-3 … TNC-43)', () => {
  const t = TNC_2022_07_01;
  it.each([
    ['TNC-12 formation', t.formation, 'database-entry', 'TNC-12'],
    ['TNC-17 refund', t.refundPolicy, 'none', 'TNC-17'],
    ['TNC-26 accrual', t.feeAccrualStart, 'formation', 'TNC-26'],
    ['TNC-24 abolition', t.abolitionNotice, { leadDays: 60, counting: 'clear-days' }, 'TNC-24'],
    ['TNC-41 no prior notice', t.notices.suspension, 'none', 'TNC-41'],
    ['TNC-42.1 threshold', t.outageThresholdHours, 24, 'TNC-42.1'],
    ['TNC-43 consumer cap', t.creditCap, 'consumer-monthly-fee', 'TNC-43'],
    ['TNC-42.5 no cap', t.capWaivedForWilfulOrGrossNegligence, true, 'TNC-42.5'],
    ['TNC-42.2 allocation', t.carrierCausedAllocation, 'pro-rata-largest-remainder', 'TNC-42.2'],
    ['TNC-3 objection', t.termsChangeObjectionEndsContract, true, 'TNC-3'],
    ['TNC-16 pause', t.pauseResume, { allowed: true, docomoCourseAllowed: false }, 'TNC-16'],
    ['TNC-17 minimum term none', t.minimumTerm, { months: 0, startRule: 'none' }, 'TNC-17'],
    ['TNC-17 open-ended', t.renewal, null, 'TNC-17'],
    ['TNC-40 cure window', t.cureWindowDays, 14, 'TNC-40'],
    ['TNC-37.5 retention', t.retentionDaysAfterTermination, 180, 'TNC-37.5'],
  ] as const)('%s', (_name, p, value, clause) => {
    expect(p.value).toEqual(value);
    expect(p.clause).toBe(clause);
  });
  it('TNC-15/16/17/41 docomo course', () => {
    expect(t.docomoCourse.value.supported).toBe(true);
    expect(t.docomoCourse.value.notifyOn).toEqual(['plan-change', 'cancellation', 'termination-by-provider', 'suspension']);
    expect(NGN_2020_02_01.docomoCourse.value.supported).toBe(false);
  });
  it('TNC-29 rate drives lateDamages: 12,345 yen 30 days → 147', () => {
    const r = lateDamages({ principal: '12345', annualRate: t.lateInterest.value.annualRate, dueDate: '2025-04-30', paidDate: '2025-05-30' });
    expect(r.amount.toFixed()).toBe('147');
  });
  it('TNC-24 abolition date from the catalog lead', () => {
    expect(earliestDateAfterNotice('2025-04-01', t.abolitionNotice.value.leadDays)).toBe('2025-06-01');
  });
});
