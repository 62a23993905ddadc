/**
 * The slice of a terms catalog (rules/terms/) the contract workflow and the API read, flattened
 * to what they use. Everything comes from the catalog version the contract was formed under.
 */
import { getTerms, termsInForceOn, type ClauseId, type TermsId } from './terms/index.js';

export interface ContractRules {
  title: string;
  /** NGN-11: formed when the acceptance notice is sent; TNC-12: when entered in the database. */
  formation: 'acceptance-notice-sent' | 'database-entry';
  /** NGN: fees from the billing start date (課金開始日); TNC-26: from the formation date. */
  feeAccrualStart: 'billing-start' | 'formation';
  taxRate: string;
  /** Clause that sets the monthly fee: NGN-19 (monthly settlement) / TNC-26 (fees owed). */
  feeClause: ClauseId;
  /** Clause that adds consumption tax: NGN-23 / TNC-26 (消費税相当額). */
  taxClause: ClauseId;
  /** NGN-10: applicant must be a domestic corporation. */
  corporateDomesticOnly: boolean;
  formationClause: ClauseId;
  rejectionClause: ClauseId;
  /** NGN-17 minimum term in months from the month after service start; 0 = none (TNC). */
  minimumTermMonths: number;
  /** NGN-39 contract period and non-renewal lead; null = open-ended (TNC). */
  renewal: { periodMonths: number; nonRenewalLeadMonths: number; clause: ClauseId } | null;
  /** NGN-41 / TNC-17 cancellation lead: calendar months, then business days back. */
  cancellation: { leadMonths: number; leadBusinessDays: number; clause: ClauseId };
  /** NGN-18 early-termination fee applies inside the minimum term. */
  earlyTerminationFee: boolean;
  /** NGN-41: unpaid amounts fall due at once when the contract ends. */
  unpaidDueOnEnd: boolean;
  /** NGN-21 14.6% / TNC-29 14.5% a year, 365-day year. */
  lateInterest: { annualRate: string; daysInYear: number; clause: ClauseId };
  /** TNC-27 / NGN-19 accepted payment methods. */
  paymentMethods: readonly string[];
  /** NGN-20 surcharge multiple; null where the 約款 has none (TNC). */
  evasionSurcharge: { multiple: number; clause: ClauseId } | null;
  /** NGN-29 dispatch fee (+ tax); false where the 約款 has none (TNC). */
  dispatchFee: boolean;
}

export function termsRules(terms: TermsId, version?: string): ContractRules {
  const c = getTerms(terms, version);
  return {
    title: c.title,
    formation: c.formation.value,
    feeAccrualStart: c.feeAccrualStart.value,
    taxRate: c.taxRate.value,
    feeClause: c.feeSettlement.clause,
    taxClause: c.taxRate.clause,
    corporateDomesticOnly: c.applicant.value.domesticCorporationOnly,
    formationClause: c.formation.clause,
    rejectionClause: c.rejectionGrounds.clause,
    minimumTermMonths: c.minimumTerm.value.months,
    renewal: c.renewal.value
      ? { periodMonths: c.renewal.value.periodMonths, nonRenewalLeadMonths: c.renewal.value.nonRenewalLeadMonths, clause: c.renewal.clause }
      : null,
    cancellation: {
      leadMonths: c.cancellation.value.leadMonths,
      leadBusinessDays: c.cancellation.value.leadBusinessDays,
      clause: c.cancellation.clause,
    },
    earlyTerminationFee: c.earlyTerminationFee.value.formula !== 'none',
    unpaidDueOnEnd: c.cancellation.value.unpaidDueImmediately,
    lateInterest: {
      annualRate: c.lateInterest.value.annualRate,
      daysInYear: c.lateInterest.value.daysInYear,
      clause: c.lateInterest.clause,
    },
    paymentMethods: c.paymentMethods.value,
    evasionSurcharge:
      c.evasionSurchargeMultiple.value === null ? null : { multiple: c.evasionSurchargeMultiple.value, clause: c.evasionSurchargeMultiple.clause },
    dispatchFee: c.dispatchFeeTaxable.value === true,
  };
}

/** The catalog version in force at an instant (JST date); the latest version if none is yet. */
export function currentTermsVersion(terms: TermsId, atIso: string): string {
  const date = new Date(Date.parse(atIso) + 9 * 3600_000).toISOString().slice(0, 10);
  return (termsInForceOn(terms, date) ?? getTerms(terms)).version;
}

/** Rejection grounds (1)–(9) of NGN-12 / TNC-12 by code, with their Japanese labels. */
export function rejectionGrounds(terms: TermsId, version?: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const g of getTerms(terms, version).rejectionGrounds.value) out[g.code] = g.ja;
  return out;
}
