/**
 * Price list: example plans under each 約款. Amounts are tax-exclusive decimal strings (yen);
 * consumption tax is added per line (NGN-23 / TNC-26 消費税相当額).
 *
 * - `partialMonth`: 'whole' bills a partial month as a whole month; 'daily' prorates by day
 *   (`prorateDaily`, TNC-26.1 fees owed from formation to termination).
 * - `docomoBilled`: TNC 他社料金設定コース (TNC-15/16/17/41/42.3): charges billed by docomo.
 * - NGN plans are corporate only (NGN-10); metered options are billed the month after use (NGN-19.3).
 */

import type { TermsId } from './terms/types.js';

export type { TermsId };

export interface MeteredOption {
  readonly id: string;
  readonly name: string;
  /** Tax-exclusive yen per unit, decimal string. */
  readonly unitPrice: string;
  readonly unit: string;
}

/** A recurring part of a contract with its own monthly fee (a site, an option): NGN-41.1 lets the contractor cancel it alone. */
export interface AddOn {
  readonly id: string;
  readonly name: string;
  /** Tax-exclusive yen per month, decimal string; billed by the plan's partialMonth rule. */
  readonly monthlyFee: string;
}

export interface Plan {
  readonly id: string;
  readonly terms: TermsId;
  readonly name: string;
  /** Tax-exclusive monthly fee (yen, decimal string). */
  readonly monthlyFee: string;
  /** Tax-exclusive initial fee (yen, decimal string). */
  readonly initialFee: string;
  readonly customerKind: 'corporate' | 'consumer' | 'any';
  readonly docomoBilled: boolean;
  readonly partialMonth: 'whole' | 'daily';
  readonly meteredOptions: readonly MeteredOption[];
  /** Recurring add-ons a contract may hold (NGN-41.1: cancellable one by one); none when absent. */
  readonly addOns?: readonly AddOn[];
  /**
   * TNC-19: on a carrier-billed course, the plan that continues when the carrier ends the course
   * (他社料金設定コース → フレッツ・光対応バリュープラン, billed by the provider itself).
   */
  readonly carrierCourseBasePlanId?: string;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const PLANS: readonly Plan[] = deepFreeze([
  // --- NGN (corporate only, NGN-10; minimum term NGN-17; whole months) ---
  {
    id: 'ngn-vpn-standard',
    terms: 'NGN',
    name: 'プライベートIPサービス NGN-VPN スタンダード',
    monthlyFee: '50000',
    initialFee: '30000',
    customerKind: 'corporate',
    docomoBilled: false,
    partialMonth: 'whole',
    meteredOptions: [
      { id: 'ngn-extra-site', name: '拠点追加 (site add-on, per site-month)', unitPrice: '3000', unit: 'site-month' },
      { id: 'ngn-closed-dns', name: '閉域DNS問合せ (closed DNS queries)', unitPrice: '0.05', unit: 'query' },
    ],
    addOns: [
      { id: 'ngn-site', name: '拠点接続（1拠点・月額）', monthlyFee: '8000' },
      { id: 'ngn-redundancy', name: '回線冗長化オプション（月額）', monthlyFee: '12000' },
    ],
  },
  {
    id: 'ngn-vpn-90k',
    terms: 'NGN',
    name: 'プライベートIPサービス NGN-VPN 多拠点 (90k)',
    monthlyFee: '90000',
    initialFee: '50000',
    customerKind: 'corporate',
    docomoBilled: false,
    partialMonth: 'whole',
    meteredOptions: [{ id: 'ngn-extra-site', name: '拠点追加 (site add-on, per site-month)', unitPrice: '3000', unit: 'site-month' }],
    addOns: [{ id: 'ngn-site', name: '拠点接続（1拠点・月額）', monthlyFee: '8000' }],
  },
  {
    id: 'ngn-vpn-lite',
    terms: 'NGN',
    name: 'プライベートIPサービス NGN-VPN ライト',
    monthlyFee: '20000',
    initialFee: '10000',
    customerKind: 'corporate',
    docomoBilled: false,
    partialMonth: 'whole',
    meteredOptions: [],
  },
  // --- TNC (consumers and corporations, TNC-11/12) ---
  {
    id: 'tnc-home-1g',
    terms: 'TNC',
    name: 'TNC 光 ホーム 1G',
    monthlyFee: '5000',
    initialFee: '3000',
    customerKind: 'consumer',
    docomoBilled: false,
    partialMonth: 'daily',
    meteredOptions: [{ id: 'tnc-mail-extra', name: '追加メールアドレス (extra mailbox)', unitPrice: '200', unit: 'mailbox-month' }],
  },
  {
    id: 'tnc-biz-fixed',
    terms: 'TNC',
    name: 'TNC ビジネス 固定IP',
    monthlyFee: '12000',
    initialFee: '5000',
    customerKind: 'corporate',
    docomoBilled: false,
    partialMonth: 'whole',
    meteredOptions: [{ id: 'tnc-extra-ip', name: '追加固定IPアドレス (extra fixed IP)', unitPrice: '1500', unit: 'ip-month' }],
  },
  {
    id: 'tnc-home-10g',
    terms: 'TNC',
    name: 'TNC 光 ホーム 10G',
    monthlyFee: '6000',
    initialFee: '3000',
    customerKind: 'consumer',
    docomoBilled: false,
    partialMonth: 'daily',
    meteredOptions: [{ id: 'tnc-mail-extra', name: '追加メールアドレス (extra mailbox)', unitPrice: '200', unit: 'mailbox-month' }],
  },
  {
    id: 'tnc-docomo',
    terms: 'TNC',
    name: 'TNC 他社料金設定コース (docomo billed)',
    monthlyFee: '4800',
    initialFee: '0',
    customerKind: 'consumer',
    docomoBilled: true,
    partialMonth: 'daily',
    meteredOptions: [],
    carrierCourseBasePlanId: 'tnc-value',
  },
  {
    // TNC-19: what continues when docomo ends the docomo-billed course; billed by TNC (TNC-26/27).
    id: 'tnc-value',
    terms: 'TNC',
    name: 'TNC フレッツ・光対応バリュープラン',
    monthlyFee: '4800',
    initialFee: '0',
    customerKind: 'consumer',
    docomoBilled: false,
    partialMonth: 'daily',
    meteredOptions: [],
  },
] satisfies Plan[]);

/** Plans added by a 約款 module (docs/ADDING-TERMS.md), after the built-in price list. */
const added: Plan[] = [];

/** Adds the plans of a 約款 added as a module; a plan id is never reused. */
export function registerPlans(plans: readonly Plan[]): void {
  for (const p of plans) {
    if (getPlan(p.id)) throw new RangeError(`plan ${p.id} already exists`);
    added.push(Object.freeze({ ...p }));
  }
}

export function getPlan(id: string): Plan | undefined {
  return PLANS.find((p) => p.id === id) ?? added.find((p) => p.id === id);
}

export function listPlans(terms?: TermsId): Plan[] {
  return [...PLANS, ...added].filter((p) => terms === undefined || p.terms === terms);
}
