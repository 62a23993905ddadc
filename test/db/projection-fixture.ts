import type { ContractProjection } from '../../activities/types.js';

/** The projection an NGN application writes (status applied, applied 2026-11-23 10:00 JST). */
export function appliedProjection(id: string): ContractProjection {
  return {
    id,
    terms: 'NGN',
    termsVersion: '2020-02-01',
    planId: 'ngn-vpn-standard',
    customerId: `cust-${id}`,
    customerName: '株式会社テスト商事',
    customerEmail: `${id}@example.co.jp`,
    customerKind: 'corporate',
    channel: 'form',
    status: 'applied',
    appliedAt: '2026-11-23T01:00:00.000Z',
  };
}
