/**
 * Personal data (個人情報) a contract carries: the one list the erasure of TNC-37.5 / NGN-43 and the
 * payload encryption are checked against (docs/PERSONAL-DATA.md).
 *
 * Every field of the customer shape (`Customer`) is classified here as personal or not. The
 * classification is a `Record<keyof Customer, …>`, so adding a field to `Customer` without
 * classifying it here is a type error; test/model/personal-data.test.ts checks the same at run time
 * against the source of `Customer` and the API's application schema.
 *
 * Personal data reaches other payloads too (a contractor change carries a new name, address or
 * e-mail; a fault-contact change an e-mail; a TNC-45 malware alert the customer's IP address):
 * those fields are listed in PERSONAL_PAYLOAD_FIELDS.
 */
import type { ContractorChangeInput, Customer, FaultContactInput, MalwareAlertInput } from './contract.js';

export type PersonalDataKind = 'name' | 'address' | 'email' | 'phone' | 'ip-address';

/** How one field of a shape is classified: personal (with its kind) or not personal (with why). */
export type FieldClass = { personal: PersonalDataKind } | { notPersonal: string };

/**
 * Every field of `Customer`. The customer shape has no telephone number today: the 約款 forms ask
 * for one, but yakkan does not take it; when it does, it is added to `Customer` and must be
 * classified here as `{ personal: 'phone' }`.
 */
export const CUSTOMER_FIELDS = {
  id: { notPersonal: "the provider's own customer number (an identifier, kept with the financial record)" },
  name: { personal: 'name' },
  email: { personal: 'email' },
  kind: { notPersonal: 'corporate or consumer (decides which rules apply)' },
  domestic: { notPersonal: 'NGN-10 eligibility flag' },
  faultContactEmail: { personal: 'email' },
  address: { personal: 'address' },
} as const satisfies Record<keyof Customer, FieldClass>;

/** The personal fields of `Customer`, in declaration order. */
export const PERSONAL_CUSTOMER_FIELDS = (Object.keys(CUSTOMER_FIELDS) as (keyof Customer)[]).filter(
  (k) => 'personal' in CUSTOMER_FIELDS[k],
);

/** Personal fields of the other payloads a contract's workflow receives. */
export const PERSONAL_PAYLOAD_FIELDS = {
  /** NGN-14 / TNC-14 name or address change, NGN-15 / TNC-13 succession. */
  contractorChange: { name: 'name', address: 'address', email: 'email' } satisfies Partial<Record<keyof ContractorChangeInput, PersonalDataKind>>,
  /** NGN-52 fault contact. */
  faultContact: { email: 'email' } satisfies Partial<Record<keyof FaultContactInput, PersonalDataKind>>,
  /** TNC-45: the IP address of the customer's device a trusted third party reported. */
  malwareAlert: { ipAddress: 'ip-address' } satisfies Partial<Record<keyof MalwareAlertInput, PersonalDataKind>>,
} as const;

/** The personal values of one customer (the non-empty ones), e.g. to search stored bytes for them. */
export function personalValues(c: Partial<Customer>): string[] {
  return PERSONAL_CUSTOMER_FIELDS.map((k) => c[k]).filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * A personal value sealed with the contract's data key (activities/personal-data.ts):
 * `⟦pd1:<contractId>:<base64url>⟧`. Workflow code passes such a token on as the value it stands for
 * (a recipient, a name in a notice); a validator accepts it where it would check the value's form,
 * because the API checked the form before sealing (api/schemas.ts).
 */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && /^⟦pd1:[A-Za-z0-9][A-Za-z0-9_-]{0,63}:[A-Za-z0-9_-]+⟧$/.test(value);
}
