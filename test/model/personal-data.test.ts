/**
 * Issue 16 (TNC-37.5 / NGN-43 erasure): the personal fields of a contract are listed in one place,
 * model/personal-data.ts. A field added to the customer shape without being classified there fails
 * the type check (`Record<keyof Customer, …>`) and, at run time, this test: it reads the fields of
 * `interface Customer` from the source and the API's application schema and compares them with the list.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { applicationBody } from '../../api/schemas.js';
import { CUSTOMER_FIELDS, PERSONAL_CUSTOMER_FIELDS, PERSONAL_PAYLOAD_FIELDS, personalValues } from '../../model/personal-data.js';
import type { Customer } from '../../model/contract.js';

/** The field names of `export interface <name> { … }` in a source file (top-level members only). */
function interfaceFields(file: string, name: string): string[] {
  const src = readFileSync(file, 'utf8');
  const start = src.indexOf(`export interface ${name} {`);
  if (start < 0) throw new Error(`interface ${name} not found in ${file}`);
  const body = src.slice(src.indexOf('{', start) + 1, src.indexOf('\n}', start));
  const withoutComments = body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return [...withoutComments.matchAll(/^\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*:/gm)].map((m) => m[1]!);
}

// Type level: every key of Customer is classified (the `satisfies` in personal-data.ts), and nothing else.
type Classified = keyof typeof CUSTOMER_FIELDS;
const sameKeys: [Classified] extends [keyof Customer] ? ([keyof Customer] extends [Classified] ? true : false) : false = true;

describe('personal data listed in one place (issue 16; TNC-37.5, NGN-43)', () => {
  test('every field of interface Customer (model/contract.ts) is classified as personal or not', () => {
    expect(sameKeys).toBe(true);
    const fields = interfaceFields('model/contract.ts', 'Customer');
    expect(fields.length).toBeGreaterThan(3);
    expect([...fields].sort()).toEqual(Object.keys(CUSTOMER_FIELDS).sort());
  });

  test("every customer field the API's application schema accepts is classified", () => {
    expect(Object.keys(applicationBody.shape.customer.shape).sort()).toEqual(Object.keys(CUSTOMER_FIELDS).sort());
  });

  test('name, address, e-mail and the fault contact are personal; the customer id, kind and NGN-10 flag are not', () => {
    expect([...PERSONAL_CUSTOMER_FIELDS].sort()).toEqual(['address', 'email', 'faultContactEmail', 'name']);
    expect(PERSONAL_PAYLOAD_FIELDS.malwareAlert).toEqual({ ipAddress: 'ip-address' });
    expect(PERSONAL_PAYLOAD_FIELDS.contractorChange).toEqual({ name: 'name', address: 'address', email: 'email' });
  });

  test('personalValues gives the non-empty personal values of a customer', () => {
    expect(
      personalValues({ id: 'C1', name: '株式会社サンプル', email: 'it@example.co.jp', kind: 'corporate', domestic: true, address: '東京都千代田区1-1', faultContactEmail: '' }),
    ).toEqual(['株式会社サンプル', 'it@example.co.jp', '東京都千代田区1-1']);
  });

  test('the source reader sees an added field (so the run-time check would catch one)', () => {
    const fields = interfaceFields('model/contract.ts', 'FaultContactInput');
    expect(fields).toEqual(['email']);
  });
});
